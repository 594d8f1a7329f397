/**
 * The module Vercel serves (src/index.ts, `export default app`) driven through its own `fetch`, the way
 * Vercel's Node.js launcher calls it: no bindings, so the configuration comes from process.env.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import app from '../../src/index';
import { createTestApp, type TestApp } from '../support/test-app';

const ORIGIN = 'https://workshop-api.vercel.test';

describe("the Vercel entry (the app's default export) with configuration from process.env", () => {
  let testApp: TestApp;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    testApp = await createTestApp();
    for (const [key, value] of Object.entries(testApp.env)) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
  });
  afterAll(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await testApp?.close();
  });

  it('exports an object with a fetch(request) handler', () => {
    expect(typeof app.fetch).toBe('function');
  });

  it('GET /api/health/live → 200', async () => {
    const response = await app.fetch(new Request(`${ORIGIN}/api/health/live`));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('GET /api/health → 200 with the database up, through the SQL-over-HTTP endpoint', async () => {
    const { result, roundTrips } = await testApp.countRoundTrips(async () =>
      app.fetch(new Request(`${ORIGIN}/api/health`)),
    );
    const text = await result.text();
    expect(result.status, text).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ status: 'ok', checks: { database: { status: 'up' } } });
    expect(roundTrips).toBe(1);
  });

  it('POST /api/workshops → 201, then GET /api/me counts it (a signed token from process.env’s key)', async () => {
    const headers = { ...(await testApp.as('user_vercel')), 'Content-Type': 'application/json' };
    const created = await app.fetch(
      new Request(`${ORIGIN}/api/workshops`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ originalIdea: 'Served by the Vercel entry' }),
      }),
    );
    expect(created.status, await created.clone().text()).toBe(201);

    const me = await app.fetch(new Request(`${ORIGIN}/api/me`, { headers }));
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ userId: 'user_vercel', workshopCount: 1 });
  });

  it('no token → 401 problem+json', async () => {
    const response = await app.fetch(new Request(`${ORIGIN}/api/me`));
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
