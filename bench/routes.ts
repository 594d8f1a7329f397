/*
 * One concrete, succeeding request per operation of the app's OpenAPI document (plus 304 and format
 * variants). The operations come from `/api/openapi.json` at run time: an operation without a case
 * here shows up in the results as "no bench request" and fails, so a new route is never forgotten.
 */
import type { BenchEnvironment } from './environment';
import { type BenchRequest, type HttpClient, header } from './lib/http';
import { newSessionId } from './lib/ids';
import { type BenchUser, createWorkshop, type Fixture, stepOutput } from './seed';

export interface PreparedRequest extends BenchRequest {
  expect: readonly number[];
}

export interface RouteCase {
  /** `METHOD /path/{param}` as in the OpenAPI document. */
  operation: string;
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
  const auth = owner.auth;
  const sessionHeaders = { ...auth, 'X-Session-Id': main.sessionId };

  const same = (request: PreparedRequest) => async (count: number) => times(count, () => request);
  const etagOf = async (request: BenchRequest) => {
    const response = await client.expect(request, [200]);
    const etag = header(response, 'etag');
    if (!etag) throw new Error(`${request.method} ${request.path} sent no ETag`);
    return etag;
  };
  const conditional = (request: BenchRequest) => async (count: number) => {
    const etag = await etagOf(request);
    return times(count, () => ({
      ...request,
      headers: { ...request.headers, 'If-None-Match': etag },
      expect: [304],
    }));
  };
  const packPath = (format: 'markdown' | 'json' | 'pdf') =>
    `/api/workshops/${W}/build-packs/${main.packs[format]}`;
  const content = (format: 'markdown' | 'json' | 'pdf'): RouteCase => ({
    operation: 'GET /api/workshops/{workshopId}/build-packs/{packId}/content',
    ...(format === 'markdown' ? {} : { variant: format }),
    prepare: same({ method: 'GET', path: `${packPath(format)}/content`, headers: auth, expect: [200] }),
  });
  const visit: BenchRequest = {
    method: 'GET',
    path: `/api/workshops/${W}/steps/${step(4)}`,
    headers: sessionHeaders,
  };

  return [
    { operation: 'GET /api/health', prepare: same({ method: 'GET', path: '/api/health', expect: [200] }) },
    {
      operation: 'GET /api/health/live',
      dbFree: true,
      prepare: same({ method: 'GET', path: '/api/health/live', expect: [200] }),
    },
    {
      operation: 'GET /api/me',
      prepare: same({ method: 'GET', path: '/api/me', headers: auth, expect: [200] }),
    },
    {
      operation: 'GET /api/workshops',
      prepare: same({ method: 'GET', path: '/api/workshops?limit=20', headers: auth, expect: [200] }),
    },
    {
      operation: 'POST /api/workshops',
      prepare: async (count) =>
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
    },
    {
      operation: 'GET /api/workshops/{workshopId}',
      prepare: same({ method: 'GET', path: `/api/workshops/${W}`, headers: auth, expect: [200] }),
    },
    {
      operation: 'GET /api/workshops/{workshopId}',
      variant: '304',
      conditional: 'member',
      prepare: conditional({ method: 'GET', path: `/api/workshops/${W}`, headers: auth }),
    },
    {
      operation: 'PATCH /api/workshops/{workshopId}',
      prepare: async (count) =>
        times(count, () => ({
          method: 'PATCH',
          path: `/api/workshops/${ownerWorkshop(1)}`,
          headers: auth,
          body: { title: `Meal planning for shift workers, rev ${unique()}` },
          expect: [200],
        })),
    },
    {
      operation: 'DELETE /api/workshops/{workshopId}',
      prepare: async (count) => {
        const ids: string[] = [];
        for (let i = 0; i < count; i++) ids.push(await createWorkshop(client, deleter, 9000 + i));
        return ids.map((id) => ({
          method: 'DELETE',
          path: `/api/workshops/${id}?confirm=true`,
          headers: deleter.auth,
          expect: [204],
        }));
      },
    },
    {
      operation: 'GET /api/workshops/{workshopId}/members',
      prepare: same({ method: 'GET', path: `/api/workshops/${W}/members`, headers: auth, expect: [200] }),
    },
    {
      operation: 'PUT /api/workshops/{workshopId}/members/{clerkUserId}',
      prepare: async (count) =>
        times(count, () => ({
          method: 'PUT',
          path: `/api/workshops/${W}/members/user_guest_${unique()}`,
          headers: auth,
          body: { role: 'viewer' },
          expect: [201],
        })),
    },
    {
      operation: 'DELETE /api/workshops/{workshopId}/members/{clerkUserId}',
      prepare: async (count) => {
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
    },
    {
      operation: 'PUT /api/workshops/{workshopId}/share',
      prepare: same({
        method: 'PUT',
        path: `/api/workshops/${ownerWorkshop(2)}/share`,
        headers: auth,
        expect: [200],
      }),
    },
    {
      operation: 'DELETE /api/workshops/{workshopId}/share',
      prepare: same({
        method: 'DELETE',
        path: `/api/workshops/${ownerWorkshop(2)}/share`,
        headers: auth,
        expect: [204],
      }),
    },
    {
      operation: 'GET /api/shared/{shareToken}',
      prepare: async (count) => {
        const share = await client.json<{ shareToken: string }>({
          method: 'PUT',
          path: `/api/workshops/${W}/share`,
          headers: auth,
        });
        return times(count, () => ({
          method: 'GET',
          path: `/api/shared/${share.shareToken}`,
          expect: [200],
        }));
      },
    },
    {
      operation: 'GET /api/step-definitions',
      prepare: same({ method: 'GET', path: '/api/step-definitions', expect: [200] }),
    },
    {
      operation: 'GET /api/step-definitions',
      variant: '304',
      conditional: 'public',
      prepare: conditional({ method: 'GET', path: '/api/step-definitions' }),
    },
    {
      operation: 'PATCH /api/step-definitions/{stepId}',
      prepare: async (count) => {
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
    },
    {
      operation: 'GET /api/workshops/{workshopId}/steps',
      prepare: same({ method: 'GET', path: `/api/workshops/${W}/steps`, headers: auth, expect: [200] }),
    },
    {
      operation: 'GET /api/workshops/{workshopId}/steps/{stepId}',
      prepare: same({ ...visit, expect: [200] }),
    },
    {
      operation: 'GET /api/workshops/{workshopId}/steps/{stepId}',
      variant: '304',
      conditional: 'member',
      prepare: conditional(visit),
    },
    {
      operation: 'PUT /api/workshops/{workshopId}/steps/{stepId}/output',
      prepare: same({
        method: 'PUT',
        path: `/api/workshops/${W}/steps/${step(8)}/output`,
        headers: sessionHeaders,
        body: { output: stepOutput(step(8), 4242) },
        expect: [200],
      }),
    },
    {
      operation: 'POST /api/workshops/{workshopId}/steps/{stepId}/complete',
      prepare: async (count) => {
        const ids: string[] = [];
        for (let i = 0; i < count; i++) ids.push(await createWorkshop(client, completer, 7000 + i));
        return ids.map((id) => ({
          method: 'POST',
          path: `/api/workshops/${id}/steps/${step(0)}/complete`,
          headers: completer.auth,
          body: { by: 'ai' },
          expect: [200],
        }));
      },
    },
    {
      operation: 'GET /api/workshops/{workshopId}/steps/{stepId}/context',
      prepare: same({
        method: 'GET',
        path: `/api/workshops/${W}/steps/${step(9)}/context`,
        headers: sessionHeaders,
        expect: [200],
      }),
    },
    {
      operation: 'GET /api/workshops/{workshopId}/sessions',
      prepare: same({ method: 'GET', path: `/api/workshops/${W}/sessions`, headers: auth, expect: [200] }),
    },
    {
      operation: 'POST /api/workshops/{workshopId}/sessions/{sessionId}/end',
      prepare: async (count) => {
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
    },
    {
      operation: 'POST /api/workshops/{workshopId}/build-packs',
      prepare: same({
        method: 'POST',
        path: `/api/workshops/${ownerWorkshop(3)}/build-packs`,
        headers: auth,
        body: { format: 'markdown' },
        expect: [201],
      }),
    },
    {
      operation: 'GET /api/workshops/{workshopId}/build-packs',
      prepare: same({ method: 'GET', path: `/api/workshops/${W}/build-packs`, headers: auth, expect: [200] }),
    },
    {
      operation: 'GET /api/workshops/{workshopId}/build-packs/{packId}',
      prepare: same({ method: 'GET', path: packPath('markdown'), headers: auth, expect: [200] }),
    },
    content('markdown'),
    content('json'),
    content('pdf'),
    {
      operation: 'GET /api/workshops/{workshopId}/build-packs/{packId}/content',
      variant: '304',
      conditional: 'member',
      prepare: conditional({ method: 'GET', path: `${packPath('markdown')}/content`, headers: auth }),
    },
    {
      operation: 'DELETE /api/workshops/{workshopId}/build-packs/{packId}',
      prepare: async (count) => {
        const ids: string[] = [];
        for (let i = 0; i < count; i++) {
          const pack = await client.json<{ id: string }>(
            {
              method: 'POST',
              path: `/api/workshops/${ownerWorkshop(3)}/build-packs`,
              headers: auth,
              body: { format: 'json' },
            },
            [201],
          );
          ids.push(pack.id);
        }
        return ids.map((id) => ({
          method: 'DELETE',
          path: `/api/workshops/${ownerWorkshop(3)}/build-packs/${id}`,
          headers: auth,
          expect: [204],
        }));
      },
    },
    {
      operation: 'GET /api/docs',
      dbFree: true,
      prepare: same({ method: 'GET', path: '/api/docs', expect: [200] }),
    },
    {
      operation: 'GET /api/openapi.json',
      dbFree: true,
      prepare: same({ method: 'GET', path: '/api/openapi.json', expect: [200] }),
    },
  ];
}

/** Operations in the document without a case, and cases whose operation the document no longer has. */
export function coverage(operations: readonly string[], cases: readonly RouteCase[]) {
  const covered = new Set(cases.map((routeCase) => routeCase.operation));
  const documented = new Set(operations);
  return {
    missing: operations.filter((operation) => !covered.has(operation)),
    stale: [...covered].filter((operation) => !documented.has(operation)),
  };
}
