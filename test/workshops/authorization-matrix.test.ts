/**
 * The authorization matrix (docs/quality.md): every route the app answers × every kind of caller → the status
 * docs/api.md promises. The route list is read from the app itself, so a route added without a row here fails
 * the first test below. Rows for routes still being built are kept and skipped until the route lands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { STEP_DEFINITIONS } from '../../src/db/step-definitions';
import { newId } from '../../src/lib/ids';
import {
  adminAccess,
  appRouteKeys,
  CALLERS,
  type CallerName,
  callerHeaders,
  casesOf,
  clerkSignatureOnly,
  comparableProblem,
  createMatrixWorkshop,
  editorAccess,
  expectRefusal,
  fillPath,
  isRefusal,
  type MatrixCase,
  type MatrixRow,
  type MatrixTable,
  memberAccess,
  missingWorkshopId,
  ownerAccess,
  type PathParams,
  prepareContext,
  publicAccess,
  type RouteKey,
  signedIn,
  snapshotWorkshop,
  splitKey,
  statusesOf,
  USERS,
} from '../support/authz-matrix';
import { expectProblem } from '../support/problem';
import { createTestApp, type TestApp } from '../support/test-app';

const CHALLENGE = STEP_DEFINITIONS[0];
if (!CHALLENGE) throw new Error('the step definitions are empty');

/** The owner saves an output on the first step, so that it can be completed and read back. */
const withChallengeOutput: MatrixCase['prepare'] = async ({ asOwner, workshopId }) => {
  await asOwner('PUT', `/api/workshops/${workshopId}/steps/challenge/output`, 200, {
    output: { statement: 'How might we help shift workers eat well?' },
  });
  return {};
};

const withBuildPack: MatrixCase['prepare'] = async ({ asOwner, workshopId }) => {
  const pack = (await asOwner('POST', `/api/workshops/${workshopId}/build-packs`, 201, {
    format: 'markdown',
  })) as {
    id: string;
  };
  return { packId: pack.id };
};

const withShareLink: MatrixCase['prepare'] = async ({ asOwner, workshopId }) => {
  const share = (await asOwner('PUT', `/api/workshops/${workshopId}/share`, 200)) as { shareToken: string };
  return { shareToken: share.shareToken };
};

/**
 * What each caller gets, per route (docs/api.md, Routes). Every key is `METHOD /api/path` exactly as the app's
 * OpenAPI document names it.
 */
const MATRIX: MatrixTable = {
  // Public
  'GET /': { expect: publicAccess(200) },
  'GET /api': { expect: publicAccess(200) },
  'GET /api/health': { expect: publicAccess(200) },
  'GET /api/health/live': { expect: publicAccess(200) },
  'GET /api/openapi.json': { expect: publicAccess(200) },
  'GET /api/docs': { expect: publicAccess(200) },
  'GET /api/step-definitions': { expect: publicAccess(200) },
  'GET /api/shared/{shareToken}': { prepare: withShareLink, expect: publicAccess(200) },

  // Clerk's webhooks: signed deliveries only (test/webhooks/clerk-webhook.test.ts sends those)
  'POST /api/webhooks/clerk': {
    // Names the non-member so that nobody in the fixture would lose anything, were a call ever let through.
    body: {
      type: 'user.deleted',
      object: 'event',
      data: { id: USERS.nonMember, object: 'user', deleted: true },
    },
    expect: clerkSignatureOnly(400),
    problemCode: 'webhook_signature_invalid',
  },

  // Admin
  'PATCH /api/step-definitions/{stepId}': {
    params: { stepId: CHALLENGE.id },
    // Writes what is already there, so that the definition other rows rely on stays as seeded.
    body: { description: CHALLENGE.description },
    expect: adminAccess(200),
  },

  // Any signed-in caller
  'GET /api/me': { expect: signedIn(200) },
  'GET /api/workshops': { expect: signedIn(200) },
  'POST /api/workshops': {
    body: { originalIdea: 'Anyone signed in may start a workshop' },
    expect: signedIn(201),
  },

  // Workshops
  'GET /api/workshops/{workshopId}': { expect: memberAccess(200) },
  'PATCH /api/workshops/{workshopId}': {
    body: { title: 'Renamed by the matrix' },
    expect: editorAccess(200),
  },
  'DELETE /api/workshops/{workshopId}': [
    { name: 'without confirmation', expect: ownerAccess(428), problemCode: 'confirmation_required' },
    { name: 'with ?confirm=true', query: '?confirm=true', expect: ownerAccess(204) },
  ],

  // Sharing
  'PUT /api/workshops/{workshopId}/share': { expect: ownerAccess(200) },
  'DELETE /api/workshops/{workshopId}/share': { prepare: withShareLink, expect: ownerAccess(204) },

  // Members
  'GET /api/workshops/{workshopId}/members': { expect: memberAccess(200) },
  'PUT /api/workshops/{workshopId}/members/{clerkUserId}': {
    params: { clerkUserId: 'user_newcomer' },
    body: { role: 'viewer' },
    expect: ownerAccess(201),
  },
  'DELETE /api/workshops/{workshopId}/members/{clerkUserId}': [
    {
      name: 'removing the viewer (the viewer may leave)',
      params: { clerkUserId: USERS.viewer },
      expect: { ...ownerAccess(204), viewer: 204 },
    },
    {
      name: 'removing the editor (the editor may leave)',
      params: { clerkUserId: USERS.editor },
      expect: { ...ownerAccess(204), editor: 204 },
    },
  ],

  // Steps
  'GET /api/workshops/{workshopId}/steps': { expect: memberAccess(200) },
  'GET /api/workshops/{workshopId}/steps/{stepId}': {
    params: { stepId: 'challenge' },
    expect: memberAccess(200),
  },
  'PUT /api/workshops/{workshopId}/steps/{stepId}/output': {
    params: { stepId: 'challenge' },
    body: { output: { statement: 'How might we help shift workers eat well?' } },
    expect: editorAccess(200),
  },
  'POST /api/workshops/{workshopId}/steps/{stepId}/complete': {
    params: { stepId: 'challenge' },
    prepare: withChallengeOutput,
    body: { by: 'ai' },
    expect: editorAccess(200),
  },
  'GET /api/workshops/{workshopId}/steps/{stepId}/context': {
    params: { stepId: 'stakeholder-mapping' },
    expect: memberAccess(200),
  },

  // Sessions
  'GET /api/workshops/{workshopId}/sessions': { expect: memberAccess(200) },
  'POST /api/workshops/{workshopId}/sessions/{sessionId}/end': {
    // A session never persisted: ending it is allowed for members and writes nothing.
    params: { sessionId: newId('session') },
    expect: memberAccess([200, 204]),
  },

  // Build packs
  'GET /api/workshops/{workshopId}/build-packs': { expect: memberAccess(200) },
  'POST /api/workshops/{workshopId}/build-packs': { body: { format: 'markdown' }, expect: editorAccess(201) },
  'GET /api/workshops/{workshopId}/build-packs/{packId}': {
    prepare: withBuildPack,
    expect: memberAccess(200),
  },
  'GET /api/workshops/{workshopId}/build-packs/{packId}/content': {
    prepare: withBuildPack,
    expect: memberAccess(200),
  },
  'DELETE /api/workshops/{workshopId}/build-packs/{packId}': {
    prepare: withBuildPack,
    expect: editorAccess(204),
  },
};

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

  it('has a row in the expectations table for every route (add one when you add a route)', () => {
    const missing = ROUTES.filter((key) => !(key in MATRIX));
    expect(missing, `routes without a row in MATRIX: ${missing.join(', ')}`).toEqual([]);
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

for (const [key, row] of Object.entries(MATRIX) as [RouteKey, MatrixRow][]) {
  if (!ROUTE_SET.has(key)) {
    // Every route exists now: a row without one is stale and must go with the route it described.
    it(`${key}: has a route in the app`, () => {
      expect.fail(`the matrix has a row for ${key}, which the app does not serve`);
    });
    continue;
  }
  const { method, path } = splitKey(key);
  const cases = casesOf(row);

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
