import { beforeAll, describe, expect, it } from 'vitest';
import { jsonBody, useTestApp } from '../support/test-app';
import {
  addMember,
  completeStep,
  createWorkshop,
  freshSessionId,
  getContext,
  getStep,
  type Headers,
  putOutput,
  sessionById,
  stepPath,
  stranger,
  type Workshop,
} from './support';

const t = useTestApp();

/** Runs the request, asserts its status and returns how many database round trips it made. */
async function roundTrips(send: () => Promise<Response>, status: number): Promise<number> {
  const { result, roundTrips: count } = await t().countRoundTrips(async () => {
    const response = await send();
    await response.arrayBuffer();
    return response;
  });
  expect(result.status).toBe(status);
  return count;
}

const withSession = (sessionId: string, headers: Headers = {}) => ({ ...headers, 'X-Session-Id': sessionId });

describe('one database round trip per request', () => {
  it('GET /api/step-definitions', async () => {
    expect(await roundTrips(() => t().request('/api/step-definitions'), 200)).toBe(1);
  });

  it('PATCH /api/step-definitions/{stepId}', async () => {
    const admin = await t().as('user_admin', { admin: true });
    const send = () =>
      t().request('/api/step-definitions/validate', {
        method: 'PATCH',
        ...jsonBody({ description: 'Test it.' }, admin),
      });
    expect(await roundTrips(send, 200)).toBe(1);
  });

  it('GET …/steps', async () => {
    const workshop = await createWorkshop(t());
    expect(
      await roundTrips(
        () => t().request(`/api/workshops/${workshop.id}/steps`, { headers: workshop.headers }),
        200,
      ),
    ).toBe(1);
  });

  it('GET …/steps/{stepId}, including its session write (and as a 304)', async () => {
    const workshop = await createWorkshop(t());
    const sessionId = freshSessionId();
    expect(
      await roundTrips(() => getStep(t(), workshop, 'challenge', { extra: withSession(sessionId) }), 200),
    ).toBe(1);
    expect(await sessionById(t(), sessionId)).toHaveLength(1);

    const etag = (await getStep(t(), workshop, 'challenge')).headers.get('etag') ?? '';
    const other = freshSessionId();
    const conditional = () =>
      getStep(t(), workshop, 'challenge', { extra: withSession(other, { 'If-None-Match': etag }) });
    expect(await roundTrips(conditional, 304)).toBe(1);
    expect(await sessionById(t(), other)).toHaveLength(1);
  });

  it('PUT …/steps/{stepId}/output, including its session write and the workshop status change', async () => {
    const workshop = await createWorkshop(t());
    const sessionId = freshSessionId();
    const send = () => putOutput(t(), workshop, 'challenge', { a: 1 }, { extra: withSession(sessionId) });
    expect(await roundTrips(send, 200)).toBe(1);
    expect(await sessionById(t(), sessionId)).toHaveLength(1);
  });

  it('POST …/steps/{stepId}/complete, including its session write', async () => {
    const workshop = await createWorkshop(t());
    const sessionId = freshSessionId();
    const send = () =>
      completeStep(t(), workshop, 'challenge', { by: 'ai' }, { extra: withSession(sessionId) });
    expect(await roundTrips(send, 200)).toBe(1);
    expect(await sessionById(t(), sessionId)).toHaveLength(1);
    // Completing again (idempotent) is one round trip too.
    expect(await roundTrips(send, 200)).toBe(1);
  });

  it('GET …/steps/{stepId}/context, including its session write', async () => {
    const workshop = await createWorkshop(t());
    await completeStep(t(), workshop, 'challenge');
    const sessionId = freshSessionId();
    const send = () => getContext(t(), workshop, 'stakeholder-mapping', { extra: withSession(sessionId) });
    expect(await roundTrips(send, 200)).toBe(1);
    expect(await sessionById(t(), sessionId)).toHaveLength(1);
  });

  it('GET …/sessions', async () => {
    const workshop = await createWorkshop(t());
    await getStep(t(), workshop, 'challenge');
    const send = () =>
      t().request(`/api/workshops/${workshop.id}/sessions?limit=10`, { headers: workshop.headers });
    expect(await roundTrips(send, 200)).toBe(1);
  });

  it('POST …/sessions/{sessionId}/end, persisted or not', async () => {
    const workshop = await createWorkshop(t());
    const sessionId = freshSessionId();
    await getStep(t(), workshop, 'challenge', { extra: withSession(sessionId) });
    const end = (id: string) => () =>
      t().request(`/api/workshops/${workshop.id}/sessions/${id}/end`, {
        method: 'POST',
        headers: workshop.headers,
      });
    expect(await roundTrips(end(sessionId), 200)).toBe(1);
    expect(await roundTrips(end(sessionId), 200)).toBe(1);
    expect(await roundTrips(end(freshSessionId()), 200)).toBe(1);
  });

  it('refusals decided by the statement cost one round trip too (403, 404, 409, 412)', async () => {
    const workshop = await createWorkshop(t());
    const viewer = await addMember(t(), workshop, 'viewer');
    const outsider = await stranger(t());
    expect(
      await roundTrips(() => putOutput(t(), workshop, 'challenge', { a: 1 }, { headers: viewer }), 403),
    ).toBe(1);
    expect(await roundTrips(() => getStep(t(), workshop, 'challenge', { headers: outsider }), 404)).toBe(1);
    expect(await roundTrips(() => putOutput(t(), workshop, 'validate', { a: 1 }), 409)).toBe(1);
    expect(await roundTrips(() => completeStep(t(), workshop, 'validate'), 409)).toBe(1);
    const stale = { extra: { 'If-Match': '"st-1"' } };
    expect(await roundTrips(() => putOutput(t(), workshop, 'challenge', { a: 1 }, stale), 412)).toBe(1);
  });
});

describe('no database round trip for a request refused before any work', () => {
  /** Each route as path, method and JSON body (if any); the caller's headers are added per test. */
  type Route = (workshop: Workshop) => { path: string; method: string; body?: unknown };
  const routes: [string, Route][] = [
    [
      'PATCH step definition',
      () => ({ path: '/api/step-definitions/challenge', method: 'PATCH', body: { name: 'X' } }),
    ],
    ['list steps', (w) => ({ path: `/api/workshops/${w.id}/steps`, method: 'GET' })],
    ['get step', (w) => ({ path: stepPath(w.id, 'challenge'), method: 'GET' })],
    [
      'put output',
      (w) => ({ path: stepPath(w.id, 'challenge', '/output'), method: 'PUT', body: { output: {} } }),
    ],
    [
      'complete',
      (w) => ({ path: stepPath(w.id, 'challenge', '/complete'), method: 'POST', body: { by: 'ai' } }),
    ],
    ['context', (w) => ({ path: stepPath(w.id, 'challenge', '/context'), method: 'GET' })],
    ['list sessions', (w) => ({ path: `/api/workshops/${w.id}/sessions`, method: 'GET' })],
    [
      'end session',
      (w) => ({ path: `/api/workshops/${w.id}/sessions/${freshSessionId()}/end`, method: 'POST' }),
    ],
  ];

  const send = (route: ReturnType<Route>, headers: Headers) => () =>
    t().request(
      route.path,
      route.body === undefined
        ? { method: route.method, headers }
        : { method: route.method, ...jsonBody(route.body, headers) },
    );

  let workshop: Workshop;
  beforeAll(async () => {
    workshop = await createWorkshop(t());
  });

  it.each(routes)('%s without a token: 401 and 0 round trips', async (_label, route) => {
    expect(await roundTrips(send(route(workshop), {}), 401)).toBe(0);
  });

  it.each(routes)('%s with a forged token: 401 and 0 round trips', async (_label, route) => {
    const forged = { Authorization: `Bearer ${(await t().token(workshop.owner)).slice(0, -4)}AAAA` };
    expect(await roundTrips(send(route(workshop), forged), 401)).toBe(0);
  });

  it('a body that fails validation (400) makes none; a skip without confirmation (428) makes one, to answer 404/403/409 first', async () => {
    expect(await roundTrips(() => putOutput(t(), workshop, 'challenge', [1]), 400)).toBe(0);
    expect(await roundTrips(() => completeStep(t(), workshop, 'challenge', { by: 'user' }), 428)).toBe(1);
  });
});
