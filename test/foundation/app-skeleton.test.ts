import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, DEFAULT_WORKSHOP_CAPS, loadConfig } from '../../src/env';
import { expectProblem } from '../support/problem';
import { createTestApp, type TestApp } from '../support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ALLOWED_ORIGIN = 'http://localhost:5173';
const LIMIT = 64 * 1024;
const STEP_OUTPUT_LIMIT = 256 * 1024;

let testApp: TestApp;

beforeAll(async () => {
  testApp = await createTestApp({ CORS_ORIGINS: ALLOWED_ORIGIN });
});

afterAll(async () => {
  await testApp?.close();
});

const headerList = (response: Response, name: string) =>
  (response.headers.get(name) ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);

/** A JSON-ish body of exactly `size` bytes. */
const bodyOf = (size: number) => `"${'x'.repeat(size - 2)}"`;

/** A body with no Content-Length at all, delivered in chunks (what chunked transfer encoding gives the app). */
function chunked(size: number, method = 'POST'): RequestInit & { duplex: 'half' } {
  const chunk = new TextEncoder().encode('x'.repeat(8 * 1024));
  let remaining = size;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (remaining <= 0) return controller.close();
      const next = chunk.subarray(0, Math.min(chunk.length, remaining));
      remaining -= next.length;
      controller.enqueue(next);
    },
  });
  return { method, body, duplex: 'half', headers: { 'Content-Type': 'application/json' } };
}

describe('X-Request-Id', () => {
  it('is generated as a UUID when the request has none, and differs between requests', async () => {
    const first = await testApp.request('/api/health/live');
    const second = await testApp.request('/api/health/live');
    expect(first.headers.get('x-request-id')).toMatch(UUID);
    expect(second.headers.get('x-request-id')).toMatch(UUID);
    expect(first.headers.get('x-request-id')).not.toBe(second.headers.get('x-request-id'));
  });

  it.each(['req-123_ABC=', 'a', '0f8fad5b-d9cb-469f-a165-70867728950e', 'r'.repeat(128)])(
    'echoes a sane one (%s)',
    async (sent) => {
      const response = await testApp.request('/api/health/live', { headers: { 'X-Request-Id': sent } });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toBe(sent);
    },
  );

  it.each([
    ['too long (129 characters)', 'r'.repeat(129)],
    ['very long (10 KB)', 'r'.repeat(10_000)],
    ['with a space', 'abc def'],
    ['with a semicolon', 'abc;drop table workshops'],
    ['with markup', '<script>alert(1)</script>'],
    ['with a path', '../../etc/passwd'],
    ['with a dot', 'a.b'],
    ['with a quote', `abc"def`],
  ])('replaces a hostile one (%s) with a generated UUID', async (_label, sent) => {
    const response = await testApp.request('/api/health/live', { headers: { 'X-Request-Id': sent } });
    expect(response.status).toBe(200);
    const echoed = response.headers.get('x-request-id');
    expect(echoed).toMatch(UUID);
    expect(echoed).not.toBe(sent);
  });

  it('is the requestId of a problem body, whether sent or generated', async () => {
    const sent = await testApp.request('/api/no-such-route', { headers: { 'X-Request-Id': 'trace-42' } });
    expect((await expectProblem(sent, 404, 'not_found')).requestId).toBe('trace-42');

    const generated = await testApp.request('/api/no-such-route', { headers: { 'X-Request-Id': 'bad id!' } });
    const body = await expectProblem(generated, 404, 'not_found');
    expect(body.requestId).toMatch(UUID);
  });
});

describe('an unknown route', () => {
  it.each([
    ['GET', '/api/no-such-route'],
    ['POST', '/api/no-such-route'],
    ['DELETE', '/api/health/nothing-here'],
    ['GET', '/api/'],
  ])('%s %s answers a 404 problem+json with type, title, status, detail and code', async (method, path) => {
    const { result, roundTrips } = await testApp.countRoundTrips(() => testApp.request(path, { method }));
    const body = await expectProblem(result, 404, 'not_found');
    expect(body).toEqual({
      type: 'urn:workshop-api:problem:not_found',
      title: 'Not found',
      status: 404,
      detail: expect.any(String),
      code: 'not_found',
      requestId: expect.stringMatching(UUID),
    });
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(roundTrips).toBe(0);
  });
});

describe('secure headers', () => {
  const expected: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'SAMEORIGIN',
    'referrer-policy': 'no-referrer',
    'strict-transport-security': 'max-age=15552000; includeSubDomains',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'x-permitted-cross-domain-policies': 'none',
  };

  it.each([
    ['a success', '/api/health/live', 200],
    ['a 404 problem', '/api/no-such-route', 404],
  ])('are present on %s', async (_label, path, status) => {
    const response = await testApp.request(path);
    expect(response.status).toBe(status);
    for (const [name, value] of Object.entries(expected))
      expect(response.headers.get(name), name).toBe(value);
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});

describe('CORS', () => {
  const preflight = (origin: string) =>
    testApp.request('/api/workshops', {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type, x-session-id',
      },
    });

  it('answers a preflight from an allowed origin with that origin, the methods, the headers and the exposed headers', async () => {
    const { result, roundTrips } = await testApp.countRoundTrips(() => preflight(ALLOWED_ORIGIN));
    expect(result.status).toBe(204);
    expect(result.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(headerList(result, 'access-control-allow-methods')).toEqual(
      expect.arrayContaining(['get', 'post', 'put', 'patch', 'delete']),
    );
    expect(headerList(result, 'access-control-allow-headers')).toEqual(
      expect.arrayContaining([
        'authorization',
        'content-type',
        'if-match',
        'if-none-match',
        'x-session-id',
        'x-request-id',
      ]),
    );
    expect(headerList(result, 'access-control-expose-headers')).toEqual(
      expect.arrayContaining(['x-session-id', 'x-request-id', 'etag']),
    );
    expect(headerList(result, 'vary')).toContain('origin');
    expect(result.headers.get('access-control-max-age')).toBe('600');
    expect(result.headers.get('access-control-allow-credentials')).toBeNull();
    expect(await result.text()).toBe('');
    expect(roundTrips).toBe(0);
  });

  it('lets an allowed origin read a response and its X-Session-Id, X-Request-Id and ETag headers', async () => {
    const response = await testApp.request('/api/health/live', { headers: { Origin: ALLOWED_ORIGIN } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(headerList(response, 'access-control-expose-headers')).toEqual(
      expect.arrayContaining(['x-session-id', 'x-request-id', 'etag']),
    );
    expect(headerList(response, 'vary')).toContain('origin');
  });

  it.each([
    ['a 401 problem', '/api/me'],
    ['a 404 problem', '/api/no-such-route'],
  ])('lets an allowed origin read %s too', async (_label, path) => {
    const response = await testApp.request(path, { headers: { Origin: ALLOWED_ORIGIN } });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(headerList(response, 'access-control-expose-headers')).toContain('x-request-id');
    expect(headerList(response, 'vary')).toContain('origin');
  });

  it('marks a response without an Origin as varying by Origin, so no cache hands it to a browser', async () => {
    const response = await testApp.request('/api/step-definitions');
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(headerList(response, 'vary')).toContain('origin');
  });

  it.each([
    'https://evil.example',
    'http://localhost:5174',
    'http://localhost:51730',
    'null',
    `${ALLOWED_ORIGIN}.evil.example`,
  ])('gives a disallowed origin (%s) no Access-Control-Allow-Origin', async (origin) => {
    const pre = await preflight(origin);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const response = await testApp.request('/api/health/live', { headers: { Origin: origin } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('body limits', () => {
  const paths = ['/api/workshops', '/api/no-such-route', '/api/health'];

  async function expectTooLarge(response: Response, limitBytes = LIMIT) {
    const body = await expectProblem(response, 413, 'payload_too_large');
    expect(body.limitBytes).toBe(limitBytes);
    expect(body.type).toBe('urn:workshop-api:problem:payload_too_large');
  }

  it.each(paths)(
    'answer 413 payload_too_large to a POST %s over 64 KiB with an honest Content-Length',
    async (path) => {
      const { result, roundTrips } = await testApp.countRoundTrips(() =>
        testApp.request(path, {
          method: 'POST',
          body: bodyOf(LIMIT + 1),
          headers: { 'Content-Type': 'application/json', 'Content-Length': String(LIMIT + 1) },
        }),
      );
      await expectTooLarge(result);
      expect(roundTrips).toBe(0);
    },
  );

  it.each(paths)(
    'answer 413 payload_too_large to a chunked POST %s over 64 KiB (no Content-Length)',
    async (path) => {
      const { result, roundTrips } = await testApp.countRoundTrips(() =>
        testApp.request(path, chunked(LIMIT + 1)),
      );
      await expectTooLarge(result);
      expect(roundTrips).toBe(0);
    },
  );

  it.each(paths)(
    'answer 413 payload_too_large to a POST %s over 64 KiB whose Content-Length claims a small body',
    async (path) => {
      const response = await testApp.request(path, {
        method: 'POST',
        body: bodyOf(LIMIT + 4096),
        headers: { 'Content-Type': 'application/json', 'Content-Length': '16' },
      });
      await expectTooLarge(response);
    },
  );

  it('answer 413 to a signed-in POST /api/workshops over 64 KiB whose Content-Length claims a small body, and write nothing', async () => {
    const userId = 'user_lying_length';
    const response = await testApp.request('/api/workshops', {
      method: 'POST',
      // Valid JSON, padded with whitespace past the limit: read in full, it would pass validation.
      body: `${JSON.stringify({ originalIdea: 'An idea behind a lying Content-Length' })}${' '.repeat(LIMIT + 4096)}`,
      headers: { ...(await testApp.as(userId)), 'Content-Type': 'application/json', 'Content-Length': '32' },
    });
    await expectTooLarge(response);
    const rows = await testApp.database.sql.query(
      'SELECT count(*)::int AS n FROM workshops WHERE clerk_user_id = $1',
      [userId],
    );
    expect(rows.rows[0]).toEqual({ n: 0 });
  });

  it('let a body of exactly 64 KiB through, honest or chunked', async () => {
    const honest = await testApp.request('/api/no-such-route', {
      method: 'POST',
      body: bodyOf(LIMIT),
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(LIMIT) },
    });
    await expectProblem(honest, 404, 'not_found');
    const streamed = await testApp.request('/api/no-such-route', chunked(LIMIT));
    await expectProblem(streamed, 404, 'not_found');
  });

  it('allow a step output body up to 256 KiB plus its envelope, and no more', async () => {
    const path = '/api/workshops/ws_nonexistent/steps/challenge/output';
    const within = await testApp.request(path, chunked(STEP_OUTPUT_LIMIT, 'PUT'));
    expect(within.status).not.toBe(413);
    await within.body?.cancel();

    const over = await testApp.request(path, chunked(STEP_OUTPUT_LIMIT + 8 * 1024, 'PUT'));
    await expectTooLarge(over, STEP_OUTPUT_LIMIT);

    const elsewhere = await testApp.request('/api/workshops/ws_nonexistent/steps/challenge/context', {
      ...chunked(LIMIT + 1),
    });
    await expectTooLarge(elsewhere);
  });
});

describe('invalid configuration', () => {
  let consoleError: ReturnType<typeof vi.spyOn>;
  let consoleLog: ReturnType<typeof vi.spyOn>;

  beforeAll(() => {
    consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    consoleLog = vi.spyOn(console, 'log').mockImplementation(() => {});
  });
  afterEach(() => {
    consoleError.mockClear();
    consoleLog.mockClear();
  });
  afterAll(() => {
    consoleError.mockRestore();
    consoleLog.mockRestore();
  });

  const withEnv = (changes: Record<string, string | undefined>): Record<string, string> => {
    const env: Record<string, string> = { ...testApp.env };
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    return env;
  };

  const loggedLines = () =>
    [...consoleError.mock.calls, ...consoleLog.mock.calls]
      .map((call) => call.map(String).join(' '))
      .join('\n');

  it.each([
    ['DATABASE_URL is not a URL', { DATABASE_URL: 'not-a-url-but-a-s3cret' }, 's3cret', 'DATABASE_URL'],
    [
      'DATABASE_URL is not Postgres',
      { DATABASE_URL: 'mysql://admin:hunter2-s3cret@db.example.com/app' },
      'hunter2-s3cret',
      'DATABASE_URL',
    ],
    ['CLERK_JWT_KEY is missing', { CLERK_JWT_KEY: undefined }, 'BEGIN PUBLIC KEY', 'CLERK_JWT_KEY'],
    ['CLERK_ISSUER is missing', { CLERK_ISSUER: undefined }, 'BEGIN PUBLIC KEY', 'CLERK_ISSUER'],
    [
      'CLERK_AUTHORIZED_PARTIES is missing',
      { CLERK_AUTHORIZED_PARTIES: undefined },
      'BEGIN PUBLIC KEY',
      'CLERK_AUTHORIZED_PARTIES',
    ],
    [
      'CLERK_SECRET_KEY is malformed',
      { CLERK_SECRET_KEY: 'not_sk_s3cret_value' },
      's3cret_value',
      'CLERK_SECRET_KEY',
    ],
  ])(
    'answers 500 misconfigured when %s, without leaking the value, and logs the variable name',
    async (_label, changes, secret, variable) => {
      const env = withEnv(changes);
      const response = await testApp.app.request(
        '/api/health',
        { headers: { 'X-Request-Id': 'cfg-1' } },
        env,
      );
      const text = await response.clone().text();
      const body = await expectProblem(response, 500, 'misconfigured');
      expect(body.requestId).toBe('cfg-1');
      expect(text).not.toContain(secret);
      expect(text).not.toContain(testApp.env.DATABASE_URL ?? 'unset');

      const logged = loggedLines();
      expect(logged).toContain('misconfigured');
      expect(logged).toContain(variable);
      expect(logged).toContain('cfg-1');
      expect(logged).not.toContain(secret);
    },
  );
});

describe('loadConfig', () => {
  /** The test app's variables, less the deadline it sets for every suite, so defaults show through. */
  const valid = () => {
    const { DB_TIMEOUT_MS: _testDeadline, ...env } = testApp.env;
    return env;
  };

  it('returns the typed configuration with its defaults', () => {
    const config = loadConfig({ ...valid(), CORS_ORIGINS: ' http://a.example , ,http://b.example ' });
    expect(config).toMatchObject({
      DATABASE_URL: testApp.env.DATABASE_URL,
      CORS_ORIGINS: ['http://a.example', 'http://b.example'],
      WORKSHOP_CAPS: { ...DEFAULT_WORKSHOP_CAPS },
      HEALTH_TIMEOUT_MS: 2_000,
      DB_TIMEOUT_MS: 5_000,
      LOG_LEVEL: 'silent',
    });
  });

  it.each([
    ['DATABASE_URL', { DATABASE_URL: 'not-a-url' }],
    ['DATABASE_URL', { DATABASE_URL: '' }],
    ['CLERK_JWT_KEY', { CLERK_JWT_KEY: undefined }],
    ['CLERK_JWT_KEY', { CLERK_JWT_KEY: 'not a pem' }],
    ['CLERK_PUBLISHABLE_KEY', { CLERK_PUBLISHABLE_KEY: 'sk_test_wrong_kind' }],
    ['CLERK_AUTHORIZED_PARTIES', { CLERK_AUTHORIZED_PARTIES: undefined }],
    ['CLERK_AUTHORIZED_PARTIES', { CLERK_AUTHORIZED_PARTIES: ' , ' }],
    ['CLERK_ISSUER', { CLERK_ISSUER: undefined }],
    ['CLERK_ISSUER', { CLERK_ISSUER: 'http://clerk.example.com' }],
    ['CLERK_ISSUER', { CLERK_ISSUER: 'https://clerk.example.com/some/path' }],
    ['NEON_SQL_ENDPOINT', { NEON_SQL_ENDPOINT: 'ftp://example.com/sql' }],
    ['HEALTH_TIMEOUT_MS', { HEALTH_TIMEOUT_MS: 'soon' }],
    ['HEALTH_TIMEOUT_MS', { HEALTH_TIMEOUT_MS: '0' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'verbose' }],
  ])('throws a ConfigError naming %s', (variable, changes) => {
    const source: Record<string, unknown> = { ...valid(), ...changes };
    expect(() => loadConfig(source)).toThrow(ConfigError);
    expect(() => loadConfig(source)).toThrow(variable);
  });

  it('does not put a connection string password into its error message', () => {
    const source = { ...valid(), DATABASE_URL: 'mysql://admin:hunter2-s3cret@db.example.com/app' };
    let message = '';
    try {
      loadConfig(source);
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('hunter2-s3cret');
  });

  it('parses WORKSHOP_CAPS "free:2,pro:9" into caps, keeping the default of plans it does not name', () => {
    const config = loadConfig({ ...valid(), WORKSHOP_CAPS: 'free:2,pro:9' });
    expect(config.WORKSHOP_CAPS).toEqual({ ...DEFAULT_WORKSHOP_CAPS, free: 2, pro: 9 });
    expect(loadConfig({ ...valid(), WORKSHOP_CAPS: ' free:2 , enterprise:1000 ' }).WORKSHOP_CAPS).toEqual({
      ...DEFAULT_WORKSHOP_CAPS,
      free: 2,
      enterprise: 1000,
    });
  });

  it.each(['free=2', 'free:two', 'free:-1', 'free:2,pro', 'Free:2', 'free:1234567', ':3'])(
    'rejects WORKSHOP_CAPS "%s" with a ConfigError naming WORKSHOP_CAPS',
    (caps) => {
      const source = { ...valid(), WORKSHOP_CAPS: caps };
      expect(() => loadConfig(source)).toThrow(ConfigError);
      expect(() => loadConfig(source)).toThrow(/WORKSHOP_CAPS/);
    },
  );
});
