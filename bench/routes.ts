/*
 * One concrete, succeeding request per operation of the route catalogue (test/support/route-catalogue.ts),
 * plus a 304 variant for every operation the catalogue marks conditional and the other pack formats.
 * `MAIN_CASES` must name every catalogued operation (the compiler holds it to that); the operations of
 * `/api/openapi.json` are compared with the cases at run time, so an operation without one shows up in the
 * results as "no bench request" and fails.
 */
import { signClerkDelivery } from '../scripts/local-auth/clerk-webhook';
import { MAX_BUILD_PACKS_PER_WORKSHOP } from '../src/domain/storage-limits';
import {
  OPERATION_KEYS,
  type OperationKey,
  operation,
  splitKey,
  statusesOf,
  VALID_BODIES,
} from '../test/support/route-catalogue';
import type { BenchEnvironment } from './environment';
import { type BenchRequest, type HttpClient, header } from './lib/http';
import { newSessionId } from './lib/ids';
import { type BenchUser, createWorkshop, type Fixture, stepOutput } from './seed';

export interface PreparedRequest extends BenchRequest {
  expect: readonly number[];
}

export interface RouteCase {
  /** `METHOD /path/{param}` as in the OpenAPI document and the route catalogue. */
  operation: OperationKey;
  /** Shown after the operation: "304", "pdf", … */
  variant?: string;
  /** Needs no database at all: target 0 round trips. */
  dbFree?: boolean;
  /**
   * A conditional request that should be answered 304. Public, cacheable resources answer it with no
   * database work (target 0); a member-only resource must still check that the caller may see it, in
   * the same single round trip as its 200 (target 1).
   */
  conditional?: 'public' | 'member';
  /** `count` requests that succeed when sent in order; may write through the API first (untimed). */
  prepare(count: number): Promise<PreparedRequest[]>;
}

type Prepare = RouteCase['prepare'];

export const caseLabel = (routeCase: Pick<RouteCase, 'operation' | 'variant'>) =>
  routeCase.variant ? `${routeCase.operation} (${routeCase.variant})` : routeCase.operation;

const times = <T>(count: number, make: (index: number) => T): T[] =>
  Array.from({ length: count }, (_, i) => make(i));

let uniqueCounter = 0;
const unique = () => `${Date.now().toString(36)}${(uniqueCounter++).toString(36)}`;

export async function listOperations(client: HttpClient): Promise<string[]> {
  const document = await client.json<{ paths: Record<string, Record<string, unknown>> }>({
    method: 'GET',
    path: '/api/openapi.json',
  });
  const methods = new Set(['get', 'put', 'post', 'patch', 'delete', 'head', 'options']);
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => methods.has(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

export async function buildRouteCases(env: BenchEnvironment, fixture: Fixture): Promise<RouteCase[]> {
  const client = env.app;
  const { main, stepIds } = fixture;
  const owner = main.owner;
  const W = main.workshopId;
  const ownerWorkshop = (k: number) => owner.workshops[k] ?? '';
  const step = (index: number) => stepIds[index] ?? '';
  const dedicated = async (name: string): Promise<BenchUser> => {
    const token = await env.token(name);
    return { id: name, token, auth: { Authorization: `Bearer ${token}` }, workshops: [] };
  };
  const creator = await dedicated('user_bench_creator');
  const deleter = await dedicated('user_bench_deleter');
  const completer = await dedicated('user_bench_completer');
  const packer = await dedicated('user_bench_packer');
  const auth = owner.auth;
  const sessionHeaders = { ...auth, 'X-Session-Id': main.sessionId };
  const webhookSecret = env.config.CLERK_WEBHOOK_SIGNING_SECRET ?? '';

  const succeeds = (key: OperationKey) => statusesOf(operation(key).succeeds);
  const same = (request: PreparedRequest) => async (count: number) => times(count, () => request);
  /** An operation with neither path parameters nor a body: its catalogued call as it stands. */
  const asCatalogued = (key: OperationKey): Prepare => {
    const { method, path } = splitKey(key);
    return same({ method, path: path + (operation(key).query ?? ''), expect: succeeds(key) });
  };
  const packPath = (format: 'markdown' | 'json' | 'pdf') =>
    `/api/workshops/${W}/build-packs/${main.packs[format]}`;
  const content = (format: 'markdown' | 'json' | 'pdf'): Prepare =>
    same({ method: 'GET', path: `${packPath(format)}/content`, headers: auth, expect: [200] });
  /**
   * A workshop for each pack a case will create, fresh ones filled up to the 20-pack limit in turn
   * (untimed): a bench phase may create more packs than one workshop holds.
   */
  let packWorkshops = 0;
  const workshopsForPacks = async (count: number): Promise<string[]> => {
    const slots: string[] = [];
    while (slots.length < count) {
      const workshopId = await createWorkshop(client, packer, 8000 + packWorkshops++);
      slots.push(...times(Math.min(MAX_BUILD_PACKS_PER_WORKSHOP, count - slots.length), () => workshopId));
    }
    return slots;
  };
  const visit: BenchRequest = {
    method: 'GET',
    path: `/api/workshops/${W}/steps/${step(4)}`,
    headers: sessionHeaders,
  };

  const MAIN_CASES: Readonly<Record<OperationKey, Prepare>> = {
    'GET /': asCatalogued('GET /'),
    'GET /api': asCatalogued('GET /api'),
    'GET /api/health': asCatalogued('GET /api/health'),
    'GET /api/health/live': asCatalogued('GET /api/health/live'),
    'GET /api/openapi.json': asCatalogued('GET /api/openapi.json'),
    'GET /api/docs': asCatalogued('GET /api/docs'),
    'GET /api/step-definitions': asCatalogued('GET /api/step-definitions'),
    'GET /api/shared/{shareToken}': async (count) => {
      const share = await client.json<{ shareToken: string }>({
        method: 'PUT',
        path: `/api/workshops/${W}/share`,
        headers: auth,
      });
      return times(count, () => ({ method: 'GET', path: `/api/shared/${share.shareToken}`, expect: [200] }));
    },
    // Each delivery signed anew, as Clerk would send distinct events.
    'POST /api/webhooks/clerk': async (count) =>
      times(count, () => {
        const delivery = signClerkDelivery(webhookSecret, VALID_BODIES['POST /api/webhooks/clerk']);
        return {
          method: 'POST',
          path: '/api/webhooks/clerk',
          headers: delivery.headers,
          body: delivery.body,
          expect: succeeds('POST /api/webhooks/clerk'),
        };
      }),
    'PATCH /api/step-definitions/{stepId}': async (count) => {
      const definitions = await client.json<{ items: { id: string; description: string }[] }>({
        method: 'GET',
        path: '/api/step-definitions',
      });
      const last = definitions.items.at(-1);
      if (!last) throw new Error('no step definitions');
      // Writes the description it already has: a real update that leaves the definitions as they were.
      return times(count, () => ({
        method: 'PATCH',
        path: `/api/step-definitions/${last.id}`,
        headers: fixture.admin.auth,
        body: { description: last.description },
        expect: [200],
      }));
    },
    'GET /api/me': same({ method: 'GET', path: '/api/me', headers: auth, expect: [200] }),
    'GET /api/workshops': same({
      method: 'GET',
      path: '/api/workshops?limit=20',
      headers: auth,
      expect: [200],
    }),
    'POST /api/workshops': async (count) =>
      times(count, (i) => ({
        method: 'POST',
        path: '/api/workshops',
        headers: creator.auth,
        body: {
          title: `Bench workshop ${unique()}`,
          originalIdea: `An app that plans meals around rotating shifts (${i}): ${'batch cooking, reminders, '.repeat(12)}`,
        },
        expect: [201],
      })),
    'GET /api/workshops/{workshopId}': same({
      method: 'GET',
      path: `/api/workshops/${W}`,
      headers: auth,
      expect: [200],
    }),
    'PATCH /api/workshops/{workshopId}': async (count) =>
      times(count, () => ({
        method: 'PATCH',
        path: `/api/workshops/${ownerWorkshop(1)}`,
        headers: auth,
        body: { title: `Meal planning for shift workers, rev ${unique()}` },
        expect: [200],
      })),
    'DELETE /api/workshops/{workshopId}': async (count) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push(await createWorkshop(client, deleter, 9000 + i));
      return ids.map((id) => ({
        method: 'DELETE',
        path: `/api/workshops/${id}?confirm=true`,
        headers: deleter.auth,
        expect: [204],
      }));
    },
    'GET /api/workshops/{workshopId}/members': same({
      method: 'GET',
      path: `/api/workshops/${W}/members`,
      headers: auth,
      expect: [200],
    }),
    'PUT /api/workshops/{workshopId}/members/{clerkUserId}': async (count) =>
      times(count, () => ({
        method: 'PUT',
        path: `/api/workshops/${W}/members/user_guest_${unique()}`,
        headers: auth,
        body: VALID_BODIES['PUT /api/workshops/{workshopId}/members/{clerkUserId}'],
        expect: [201],
      })),
    'DELETE /api/workshops/{workshopId}/members/{clerkUserId}': async (count) => {
      const guests = times(count, () => `user_guest_${unique()}`);
      for (const guest of guests) {
        await client.expect(
          {
            method: 'PUT',
            path: `/api/workshops/${W}/members/${guest}`,
            headers: auth,
            body: { role: 'editor' },
          },
          [201],
        );
      }
      return guests.map((guest) => ({
        method: 'DELETE',
        path: `/api/workshops/${W}/members/${guest}`,
        headers: auth,
        expect: [204],
      }));
    },
    'PUT /api/workshops/{workshopId}/share': same({
      method: 'PUT',
      path: `/api/workshops/${ownerWorkshop(2)}/share`,
      headers: auth,
      expect: [200],
    }),
    'DELETE /api/workshops/{workshopId}/share': same({
      method: 'DELETE',
      path: `/api/workshops/${ownerWorkshop(2)}/share`,
      headers: auth,
      expect: [204],
    }),
    'GET /api/workshops/{workshopId}/steps': same({
      method: 'GET',
      path: `/api/workshops/${W}/steps`,
      headers: auth,
      expect: [200],
    }),
    'GET /api/workshops/{workshopId}/steps/{stepId}': same({ ...visit, expect: [200] }),
    'PUT /api/workshops/{workshopId}/steps/{stepId}/output': same({
      method: 'PUT',
      path: `/api/workshops/${W}/steps/${step(8)}/output`,
      headers: sessionHeaders,
      body: { output: stepOutput(step(8), 4242) },
      expect: [200],
    }),
    'POST /api/workshops/{workshopId}/steps/{stepId}/complete': async (count) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push(await createWorkshop(client, completer, 7000 + i));
      return ids.map((id) => ({
        method: 'POST',
        path: `/api/workshops/${id}/steps/${step(0)}/complete`,
        headers: completer.auth,
        body: VALID_BODIES['POST /api/workshops/{workshopId}/steps/{stepId}/complete'],
        expect: [200],
      }));
    },
    'GET /api/workshops/{workshopId}/steps/{stepId}/context': same({
      method: 'GET',
      path: `/api/workshops/${W}/steps/${step(9)}/context`,
      headers: sessionHeaders,
      expect: [200],
    }),
    'GET /api/workshops/{workshopId}/sessions': same({
      method: 'GET',
      path: `/api/workshops/${W}/sessions`,
      headers: auth,
      expect: [200],
    }),
    'POST /api/workshops/{workshopId}/sessions/{sessionId}/end': async (count) => {
      const sessions = times(count, () => newSessionId());
      for (const sessionId of sessions) {
        await client.expect({ ...visit, headers: { ...auth, 'X-Session-Id': sessionId } }, [200]);
      }
      return sessions.map((sessionId) => ({
        method: 'POST',
        path: `/api/workshops/${W}/sessions/${sessionId}/end`,
        headers: auth,
        expect: [200],
      }));
    },
    'POST /api/workshops/{workshopId}/build-packs': async (count) =>
      (await workshopsForPacks(count)).map((workshopId) => ({
        method: 'POST',
        path: `/api/workshops/${workshopId}/build-packs`,
        headers: packer.auth,
        body: { format: 'markdown' },
        expect: [201],
      })),
    'GET /api/workshops/{workshopId}/build-packs': same({
      method: 'GET',
      path: `/api/workshops/${W}/build-packs`,
      headers: auth,
      expect: [200],
    }),
    'GET /api/workshops/{workshopId}/build-packs/{packId}': same({
      method: 'GET',
      path: packPath('markdown'),
      headers: auth,
      expect: [200],
    }),
    'GET /api/workshops/{workshopId}/build-packs/{packId}/content': content('markdown'),
    'DELETE /api/workshops/{workshopId}/build-packs/{packId}': async (count) => {
      const packs: { workshopId: string; id: string }[] = [];
      for (const workshopId of await workshopsForPacks(count)) {
        const pack = await client.json<{ id: string }>(
          {
            method: 'POST',
            path: `/api/workshops/${workshopId}/build-packs`,
            headers: packer.auth,
            body: { format: 'json' },
          },
          [201],
        );
        packs.push({ workshopId, id: pack.id });
      }
      return packs.map(({ workshopId, id }) => ({
        method: 'DELETE',
        path: `/api/workshops/${workshopId}/build-packs/${id}`,
        headers: packer.auth,
        expect: [204],
      }));
    },
  };

  /** The main case's request again, with the ETag its 200 carried: answered 304. */
  const notModified =
    (key: OperationKey): Prepare =>
    async (count) => {
      const [request] = await MAIN_CASES[key](1);
      if (!request) throw new Error(`${key} prepared no request`);
      const response = await client.expect(request, [200]);
      const etag = header(response, 'etag');
      if (!etag) throw new Error(`${request.method} ${request.path} sent no ETag`);
      return times(count, () => ({
        ...request,
        headers: { ...request.headers, 'If-None-Match': etag },
        expect: [304],
      }));
    };

  const mainCases: RouteCase[] = OPERATION_KEYS.map((key) => ({
    operation: key,
    ...(operation(key).databaseFree ? { dbFree: true } : {}),
    prepare: MAIN_CASES[key],
  }));
  const conditionalCases: RouteCase[] = OPERATION_KEYS.flatMap((key) => {
    const conditional = operation(key).conditional;
    return conditional ? [{ operation: key, variant: '304', conditional, prepare: notModified(key) }] : [];
  });
  const otherFormats: RouteCase[] = (['json', 'pdf'] as const).map((format) => ({
    operation: 'GET /api/workshops/{workshopId}/build-packs/{packId}/content',
    variant: format,
    prepare: content(format),
  }));
  return [...mainCases, ...otherFormats, ...conditionalCases];
}

/** Operations in the document without a case, and cases whose operation the document no longer has. */
export function coverage(operations: readonly string[], cases: readonly RouteCase[]) {
  const covered = new Set<string>(cases.map((routeCase) => routeCase.operation));
  const documented = new Set(operations);
  return {
    missing: operations.filter((operation) => !covered.has(operation)),
    stale: [...covered].filter((operation) => !documented.has(operation)),
  };
}
