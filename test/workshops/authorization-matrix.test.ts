/**
 * The authorization matrix: every operation the app serves × every kind of caller → the status its access
 * level promises, each through the operation's smallest succeeding call from the route catalogue. The route
 * list is read from the app itself, so a route the catalogue lacks, or a catalogue entry for a route the app
 * no longer serves, fails a test here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { newId } from '../../src/domain/ids';
import {
  appOperationIds,
  appRouteKeys,
  CALLERS,
  type CallerName,
  callerHeaders,
  comparableProblem,
  createMatrixWorkshop,
  type Expectations,
  expectationsFor,
  expectRefusal,
  fillPath,
  isRefusal,
  type MatrixCase,
  missingWorkshopId,
  ownerAccess,
  type PathParams,
  type PrepareContext,
  prepareContext,
  snapshotWorkshop,
  splitKey,
  statusesOf,
  USERS,
} from '../support/authz-matrix';
import { expectProblem } from '../support/problem';
import {
  OPERATION_KEYS,
  type OperationKey,
  operation,
  type Precondition,
  ROUTE_CATALOGUE,
  STEP_OUTPUT_ROUTE,
  VALID_BODIES,
} from '../support/route-catalogue';
import { createTestApp, type TestApp } from '../support/test-app';

/** What each precondition of the catalogue takes, done by the owner; returns the path parameters it makes. */
const PREPARE: Readonly<Record<Precondition, (context: PrepareContext) => Promise<PathParams>>> = {
  challengeOutput: async ({ asOwner, workshopId }) => {
    await asOwner(
      'PUT',
      `/api/workshops/${workshopId}/steps/challenge/output`,
      200,
      VALID_BODIES[STEP_OUTPUT_ROUTE],
    );
    return {};
  },
  buildPack: async ({ asOwner, workshopId }) => {
    const pack = (await asOwner(
      'POST',
      `/api/workshops/${workshopId}/build-packs`,
      201,
      VALID_BODIES['POST /api/workshops/{workshopId}/build-packs'],
    )) as { id: string };
    return { packId: pack.id };
  },
  shareLink: async ({ asOwner, workshopId }) => {
    const share = (await asOwner('PUT', `/api/workshops/${workshopId}/share`, 200)) as { shareToken: string };
    return { shareToken: share.shareToken };
  },
};

/** Ending a session never persisted: allowed for members, and it writes nothing. */
const NEVER_PERSISTED_SESSION = newId('session');

interface MatrixOverride {
  /** Names the smallest succeeding call in the test titles, beside the extra cases. */
  name?: string;
  /** Callers the access level alone would refuse, but whom the smallest succeeding call lets through. */
  alsoAllowed?: Partial<Expectations>;
  /** More cases of the same operation: another outcome worth pinning for every caller. */
  more?: readonly MatrixCase[];
}

const OVERRIDES: Readonly<Partial<Record<OperationKey, MatrixOverride>>> = {
  'DELETE /api/workshops/{workshopId}': {
    name: 'with ?confirm=true',
    more: [{ name: 'without confirmation', expect: ownerAccess(428), problemCode: 'confirmation_required' }],
  },
  'DELETE /api/workshops/{workshopId}/members/{clerkUserId}': {
    name: 'removing the viewer (the viewer may leave)',
    alsoAllowed: { viewer: 204 },
    more: [
      {
        name: 'removing the editor (the editor may leave)',
        params: { clerkUserId: USERS.editor },
        expect: { ...ownerAccess(204), editor: 204 },
      },
    ],
  },
};

/** The smallest succeeding call of an operation as a matrix case, then the override's extra cases. */
function casesFor(key: OperationKey): readonly MatrixCase[] {
  const entry = operation(key);
  const override = OVERRIDES[key];
  const needs = entry.needs ?? [];
  const smallest: MatrixCase = {
    ...(override?.name ? { name: override.name } : {}),
    ...(entry.query ? { query: entry.query } : {}),
    ...(entry.body ? { body: entry.body } : {}),
    params: { sessionId: NEVER_PERSISTED_SESSION, ...entry.params },
    ...(needs.length > 0
      ? {
          prepare: async (context: PrepareContext) => {
            let params: PathParams = {};
            for (const need of needs) params = { ...params, ...(await PREPARE[need](context)) };
            return params;
          },
        }
      : {}),
    expect: { ...expectationsFor(entry), ...override?.alsoAllowed },
    ...(entry.access === 'clerkSignature' ? { problemCode: 'webhook_signature_invalid' } : {}),
  };
  // Extra cases share the fixture and body, but not the smallest call's name or query.
  const { name: _name, query: _query, ...shared } = smallest;
  const more = (override?.more ?? []).map((extra) => ({ ...shared, ...extra }));
  return [smallest, ...more];
}

const ROUTES = appRouteKeys(createApp());
const ROUTE_SET = new Set<string>(ROUTES);

let app: TestApp;
let headers: Record<CallerName, Record<string, string>>;

beforeAll(async () => {
  // The owner starts a workshop per cell of every mutating row: lift the cap out of the way.
  // Readiness within a generous bound: this suite is about who may call, not how fast the database answers.
  app = await createTestApp({
    WORKSHOP_CAPS: 'free:100000',
    HEALTH_TIMEOUT_MS: '30000',
    DB_TIMEOUT_MS: '30000',
  });
  headers = await callerHeaders(app);
});

afterAll(async () => {
  await app?.close();
});

describe('the route list', () => {
  it('is read from the app: the OpenAPI registry and app.routes, without middleware entries', () => {
    expect(ROUTES).toEqual(expect.arrayContaining(['GET /api/me', 'DELETE /api/workshops/{workshopId}']));
    expect(ROUTES.every((key) => /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \/(api\b|$)/.test(key))).toBe(
      true,
    );
    expect(ROUTES).not.toContainEqual(expect.stringContaining('*'));
    expect(ROUTES).not.toContainEqual(expect.stringContaining(':'));
    expect(new Set(ROUTES).size).toBe(ROUTES.length);
  });

  it('has an entry in the route catalogue for every route (add one when you add a route)', () => {
    const missing = ROUTES.filter((key) => !(key in ROUTE_CATALOGUE));
    expect(missing, `routes without an entry in the route catalogue: ${missing.join(', ')}`).toEqual([]);
  });

  it('names each operation by the operationId the OpenAPI document gives it', () => {
    const catalogued = Object.fromEntries(OPERATION_KEYS.map((key) => [key, operation(key).operationId]));
    expect(catalogued).toEqual(appOperationIds(createApp()));
  });
});

interface Fixture {
  workshopId: string;
  params: PathParams;
}

async function fixtureFor(path: string, testCase: MatrixCase): Promise<Fixture | undefined> {
  if (!path.includes('{workshopId}') && !testCase.prepare) return undefined;
  const workshopId = await createMatrixWorkshop(app, headers.owner);
  const prepared = testCase.prepare
    ? await testCase.prepare(prepareContext(app, headers.owner, workshopId))
    : {};
  return { workshopId, params: { ...testCase.params, ...prepared, workshopId } };
}

function requestFor(method: string, testCase: MatrixCase, caller: CallerName): RequestInit {
  const callerHeaders = { ...testCase.headers, ...headers[caller] };
  if (testCase.body === undefined) return { method, headers: callerHeaders };
  return {
    method,
    body: JSON.stringify(testCase.body),
    headers: { 'Content-Type': 'application/json', ...callerHeaders },
  };
}

for (const key of OPERATION_KEYS) {
  if (!ROUTE_SET.has(key)) {
    // An entry without a route is stale and must go with the route it described.
    it(`${key}: has a route in the app`, () => {
      expect.fail(`the route catalogue has an entry for ${key}, which the app does not serve`);
    });
    continue;
  }
  const { method, path } = splitKey(key);
  const cases = casesFor(key);

  describe(key, () => {
    for (const testCase of cases) {
      const label = testCase.name ? `${testCase.name}: ` : '';
      const isolate = testCase.isolate ?? method !== 'GET';
      let shared: Promise<Fixture | undefined> | undefined;
      const fixture = () => {
        if (isolate) return fixtureFor(path, testCase);
        shared ??= fixtureFor(path, testCase);
        return shared;
      };
      const urlFor = (params: PathParams) =>
        fillPath(path, { ...testCase.params, ...params }) + (testCase.query ?? '');

      for (const caller of CALLERS) {
        const allowed = statusesOf(testCase.expect[caller]);
        it(`${label}${caller} → ${allowed.join(' or ')}`, async () => {
          const current = await fixture();
          const before = current && (await snapshotWorkshop(app.database.sql, current.workshopId));
          const response = await app.request(
            urlFor(current?.params ?? {}),
            requestFor(method, testCase, caller),
          );

          const text = await response.clone().text();
          expect(allowed, `${caller} got ${response.status}: ${text}`).toContain(response.status);
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) {
            if (isRefusal(response.status)) await expectRefusal(response, response.status);
            else {
              expect(
                testCase.problemCode,
                `the row allows ${response.status} but names no problemCode`,
              ).toBeDefined();
              await expectProblem(response, response.status, testCase.problemCode ?? '');
            }
            // A refused call writes nothing: not the workshop, not a member, not a session.
            if (current && before)
              expect(await snapshotWorkshop(app.database.sql, current.workshopId)).toEqual(before);
          }
        });
      }

      if (testCase.expect.nonMember === 404 && path.includes('{workshopId}')) {
        it(`${label}a non-member's 404 is the one for a workshop id that does not exist`, async () => {
          const current = await fixture();
          if (!current) throw new Error('a workshop route needs a fixture');
          const real = await app.request(urlFor(current.params), requestFor(method, testCase, 'nonMember'));
          const missing = await app.request(
            urlFor({ ...current.params, workshopId: missingWorkshopId() }),
            requestFor(method, testCase, 'nonMember'),
          );
          const realBody = await expectRefusal(real, 404);
          const missingBody = await expectRefusal(missing, 404);
          expect(comparableProblem(realBody)).toEqual(comparableProblem(missingBody));
          expect(real.headers.get('content-type')).toBe(missing.headers.get('content-type'));
          expect(realBody.requestId).not.toBe(missingBody.requestId);
        });
      }
    }
  });
}
