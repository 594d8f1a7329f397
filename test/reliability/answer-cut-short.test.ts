/**
 * The database's answer cut short: the SQL endpoint sends its status and headers, then the body arrives
 * after the request's deadline (`slowBodyMs`), or the connection is reset mid-body (`cutBody`). The
 * driver reads the body outside its own error handling, so these failures reach the app as a bare
 * DOMException or TypeError rather than a NeonDbError. Whatever their shape, they are the database's
 * unavailability: 503 problem+json with Retry-After (src/db/resilient-fetch.ts reads the whole answer
 * and src/db/round-trip-record.ts records what happened; src/middleware/errors.ts decides from that).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../support/problem';
import { createTestApp, type TestApp } from '../support/test-app';
import { count, expectNoInternals, pathSender, rows } from './support';

const DB_TIMEOUT_MS = 800;
const HEALTH_TIMEOUT_MS = 300;
/** Far beyond every deadline: the body only ever arrives after the app has given up. */
const BODY_HELD_MS = 20_000;

let app: TestApp;
const owner = 'user_cut_short_owner';
const send = pathSender(() => app, owner);
let workshopId: string;

beforeAll(async () => {
  app = await createTestApp({
    DB_TIMEOUT_MS: String(DB_TIMEOUT_MS),
    HEALTH_TIMEOUT_MS: String(HEALTH_TIMEOUT_MS),
    WORKSHOP_CAPS: 'pro:100000',
  });
  const created = await send('POST', '/api/workshops', { originalIdea: 'Answers cut short' });
  expect(created.status, await created.clone().text()).toBe(201);
  workshopId = ((await created.json()) as { id: string }).id;
});

afterEach(() => app.endpoint.clearFaults(app.database.name));

afterAll(async () => {
  await app?.close();
});

async function expectUnavailable(response: Response): Promise<void> {
  const text = await response.clone().text();
  await expectProblem(response, 503, 'database_unavailable');
  expect(response.headers.get('retry-after'), 'Retry-After').toMatch(/^[1-9]\d*$/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expectNoInternals(text);
}

const storedMarker = async (stepId: string) => {
  const [row] = await rows<{ marker: string | null }>(
    app,
    `select output ->> 'marker' as marker from workshop_steps where workshop_id = $1 and step_id = $2`,
    [workshopId, stepId],
  );
  return row?.marker ?? null;
};

describe('the deadline fires after the endpoint sent its headers, before its body arrived', () => {
  it('PUT a step output (a large one) → 503 with Retry-After, and the write was committed all the same', async () => {
    const marker = `held-${crypto.randomUUID()}`;
    const output = { marker, notes: 'x'.repeat(200 * 1024) };
    app.endpoint.setFaults({ slowBodyMs: BODY_HELD_MS }, app.database.name);
    const response = await send('PUT', `/api/workshops/${workshopId}/steps/challenge/output`, { output });
    await expectUnavailable(response);
    // A 503 does not mean "not written": the statement committed before the answer was held back.
    expect(await storedMarker('challenge')).toBe(marker);
  });

  it('GET step context → 503 with Retry-After', async () => {
    app.endpoint.setFaults({ slowBodyMs: BODY_HELD_MS }, app.database.name);
    await expectUnavailable(await send('GET', `/api/workshops/${workshopId}/steps/challenge/context`));
  });

  it('POST /api/workshops without an Idempotency-Key → 503 after one round trip; the workshop exists', async () => {
    const userId = 'user_cut_short_create';
    app.endpoint.setFaults({ slowBodyMs: BODY_HELD_MS }, app.database.name);
    const { result, roundTrips } = await app.countRoundTrips(() =>
      send('POST', '/api/workshops', { originalIdea: 'Held answer' }, {}, userId),
    );
    await expectUnavailable(result);
    expect(roundTrips).toBe(1);
    expect(await count(app, 'select count(*) from workshops where clerk_user_id = $1', [userId])).toBe(1);
  });

  it('/api/health → 503, database down, "unreachable or timed out"', async () => {
    app.endpoint.setFaults({ slowBodyMs: BODY_HELD_MS }, app.database.name);
    const response = await app.request('/api/health');
    const text = await response.text();
    expect(response.status, text).toBe(503);
    expect(JSON.parse(text)).toMatchObject({
      checks: { database: { status: 'down', error: 'unreachable or timed out' } },
    });
  });
});

describe('the connection reset in the middle of the answer', () => {
  it('a GET is retried like any transport failure (3 round trips), then 503 with Retry-After', async () => {
    app.endpoint.setFaults({ cutBody: true }, app.database.name);
    const { result, roundTrips } = await app.countRoundTrips(() =>
      send('GET', `/api/workshops/${workshopId}`),
    );
    await expectUnavailable(result);
    expect(roundTrips).toBe(3);
  });

  it('a PUT of a step output → 503 with Retry-After; the last attempt committed', async () => {
    const marker = `cut-${crypto.randomUUID()}`;
    app.endpoint.setFaults({ cutBody: true }, app.database.name);
    const response = await send('PUT', `/api/workshops/${workshopId}/steps/challenge/output`, {
      output: { marker },
    });
    await expectUnavailable(response);
    expect(await storedMarker('challenge')).toBe(marker);
  });
});

describe('after the answers arrive whole again', () => {
  it('every route class answers at once', async () => {
    expect((await send('GET', `/api/workshops/${workshopId}`)).status).toBe(200);
    expect((await app.request('/api/health')).status).toBe(200);
  });
});
