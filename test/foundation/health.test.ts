import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../support/repo-files';
import { createTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

interface HealthBody {
  status: 'ok' | 'unavailable';
  checks: {
    database: { status: 'up' | 'down'; latencyMs: number; error?: string };
    migrations: {
      status: 'applied' | 'pending' | 'unknown';
      applied?: number;
      expected: number;
      pending?: string[];
    };
  };
}

const journal = readJournal();
const EXPECTED = journal.length;
const ALL_TAGS = journal.map((entry) => entry.tag);
/** The bound under test is HEALTH_TIMEOUT_MS = 300 ms; the assertion is generous for a loaded machine. */
const STALL_BOUND_MS = 2_500;

async function healthBody(response: Response): Promise<HealthBody> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const text = await response.text();
  expect(text).not.toMatch(/\n\s+at |postgres(ql)?:\/\/|local-only-password/);
  return JSON.parse(text) as HealthBody;
}

/** Asserts the liveness answer and that it never reached the SQL endpoint. */
async function expectLive(testApp: TestApp): Promise<void> {
  const totalBefore = testApp.endpoint.requestCount();
  const { result, roundTrips } = await testApp.countRoundTrips(() => testApp.request('/api/health/live'));
  expect(result.status).toBe(200);
  expect(result.headers.get('cache-control')).toBe('no-store');
  expect(await result.json()).toEqual({ status: 'ok' });
  expect(roundTrips).toBe(0);
  expect(testApp.endpoint.requestCount()).toBe(totalBefore);
}

describe('GET /api/health on a migrated database', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp();
  });
  afterAll(async () => {
    await testApp?.close();
  });

  it('answers 200, no-store, database up and every migration of the journal applied', async () => {
    const response = await testApp.request('/api/health');
    expect(response.status).toBe(200);
    const body = await healthBody(response);
    expect(body).toEqual({
      status: 'ok',
      checks: {
        database: { status: 'up', latencyMs: expect.any(Number) },
        migrations: { status: 'applied', applied: EXPECTED, expected: EXPECTED, pending: [] },
      },
    });
    expect(body.checks.migrations.applied).toBe(body.checks.migrations.expected);
    const rows = await testApp.database.sql.query(
      'SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations',
    );
    expect(rows.rows[0]).toEqual({ n: EXPECTED });
  });

  it('makes exactly one database round trip', async () => {
    const { result, roundTrips } = await testApp.countRoundTrips(() => testApp.request('/api/health'));
    expect(result.status).toBe(200);
    expect(roundTrips).toBe(1);
  });

  it('answers HEAD with 200, the same headers and no body, in one round trip', async () => {
    const { result, roundTrips } = await testApp.countRoundTrips(() =>
      testApp.request('/api/health', { method: 'HEAD' }),
    );
    expect(result.status).toBe(200);
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(result.headers.get('x-request-id')).toBeTruthy();
    expect(await result.text()).toBe('');
    expect(roundTrips).toBe(1);
  });

  it('GET /api/health/live answers 200 and touches no database', async () => {
    await expectLive(testApp);
  });

  describe('when the endpoint refuses connections', () => {
    afterEach(() => testApp.endpoint.clearFaults());

    it('answers 503 with the database down, no stack trace, and recovers once the endpoint answers again', async () => {
      testApp.endpoint.setFaults({ refuse: true }, testApp.database.name);
      const started = performance.now();
      const { result, roundTrips } = await testApp.countRoundTrips(() => testApp.request('/api/health'));
      const elapsed = performance.now() - started;
      expect(result.status).toBe(503);
      expect(await healthBody(result)).toEqual({
        status: 'unavailable',
        checks: {
          database: { status: 'down', latencyMs: expect.any(Number), error: expect.any(String) },
          migrations: { status: 'unknown', expected: EXPECTED },
        },
      });
      expect(roundTrips).toBe(1);
      expect(elapsed).toBeLessThan(STALL_BOUND_MS * 2);

      testApp.endpoint.clearFaults();
      const recovered = await testApp.request('/api/health');
      expect(recovered.status).toBe(200);
      expect((await healthBody(recovered)).status).toBe('ok');
    });

    it('GET /api/health/live still answers 200 and touches no database', async () => {
      testApp.endpoint.setFaults({ refuse: true }, testApp.database.name);
      await expectLive(testApp);
    });
  });
});

describe('GET /api/health when the database stalls (HEALTH_TIMEOUT_MS = 300)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp({ HEALTH_TIMEOUT_MS: '300' });
  });
  afterAll(async () => {
    await testApp?.close();
  });
  afterEach(() => testApp.endpoint.clearFaults());

  it('answers 503 within its bound when the database stalls', async () => {
    testApp.endpoint.setFaults({ stall: true }, testApp.database.name);
    const started = performance.now();
    const { result, roundTrips } = await testApp.countRoundTrips(() => testApp.request('/api/health'));
    const elapsed = performance.now() - started;
    expect(result.status).toBe(503);
    expect(elapsed).toBeLessThan(STALL_BOUND_MS);
    const body = await healthBody(result);
    expect(body).toEqual({
      status: 'unavailable',
      checks: {
        database: { status: 'down', latencyMs: expect.any(Number), error: expect.any(String) },
        migrations: { status: 'unknown', expected: EXPECTED },
      },
    });
    // It gave the database its bound (it did not give up at once) and no more.
    expect(body.checks.database.latencyMs).toBeGreaterThanOrEqual(200);
    expect(body.checks.database.latencyMs).toBeLessThan(STALL_BOUND_MS);
    expect(roundTrips).toBe(1);
  });

  it('answers HEAD with 503 and no body when the database stalls', async () => {
    testApp.endpoint.setFaults({ stall: true }, testApp.database.name);
    const started = performance.now();
    const response = await testApp.request('/api/health', { method: 'HEAD' });
    expect(response.status).toBe(503);
    expect(performance.now() - started).toBeLessThan(STALL_BOUND_MS);
    expect(await response.text()).toBe('');
  });

  it('GET /api/health/live still answers 200 and touches no database while the database stalls', async () => {
    testApp.endpoint.setFaults({ stall: true }, testApp.database.name);
    await expectLive(testApp);
  });
});

describe('GET /api/health on a database that was never migrated', () => {
  let empty: TestDatabase;
  let testApp: TestApp;

  beforeAll(async () => {
    empty = await createTestDatabase({ template: false });
    testApp = await createTestApp({ DATABASE_URL: empty.url });
  });
  afterAll(async () => {
    await testApp?.close();
    await empty?.drop();
  });

  it('answers 503 with the database up and every migration pending, in one round trip', async () => {
    const before = testApp.endpoint.requestCount(empty.name);
    const response = await testApp.request('/api/health');
    expect(testApp.endpoint.requestCount(empty.name) - before).toBe(1);
    expect(response.status).toBe(503);
    expect(await healthBody(response)).toEqual({
      status: 'unavailable',
      checks: {
        database: { status: 'up', latencyMs: expect.any(Number) },
        migrations: { status: 'pending', applied: 0, expected: EXPECTED, pending: ALL_TAGS },
      },
    });
    // The check only reads: the empty database is still empty.
    const tables = await empty.sql.query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema IN ('public', 'drizzle')`,
    );
    expect(tables.rows[0]).toEqual({ n: 0 });
  });

  it('answers HEAD with 503 and no body', async () => {
    const response = await testApp.request('/api/health', { method: 'HEAD' });
    expect(response.status).toBe(503);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe('');
  });

  it('GET /api/health/live still answers 200 and touches no database', async () => {
    const before = testApp.endpoint.requestCount(empty.name);
    await expectLive(testApp);
    expect(testApp.endpoint.requestCount(empty.name)).toBe(before);
  });
});

describe('GET /api/health with a migration missing from drizzle.__drizzle_migrations', () => {
  let testApp: TestApp;
  const missing = journal[0];

  beforeAll(async () => {
    testApp = await createTestApp();
    const deleted = await testApp.database.sql.query(
      'DELETE FROM drizzle.__drizzle_migrations WHERE created_at = $1',
      [missing?.when],
    );
    expect(deleted.rowCount).toBe(1);
  });
  afterAll(async () => {
    await testApp?.close();
  });

  it('answers 503 with the database up and that migration pending by its tag', async () => {
    const { result, roundTrips } = await testApp.countRoundTrips(() => testApp.request('/api/health'));
    expect(result.status).toBe(503);
    expect(await healthBody(result)).toEqual({
      status: 'unavailable',
      checks: {
        database: { status: 'up', latencyMs: expect.any(Number) },
        migrations: { status: 'pending', applied: EXPECTED - 1, expected: EXPECTED, pending: [missing?.tag] },
      },
    });
    expect(roundTrips).toBe(1);
  });

  it('GET /api/health/live still answers 200 and touches no database', async () => {
    await expectLive(testApp);
  });
});
