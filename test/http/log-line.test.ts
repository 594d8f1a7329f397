/** The two log formats: JSON lines for pipelines, one readable line per request for a terminal. */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/env';
import { formatLogLine } from '../../src/http/log-line';
import { createTestApp, type TestApp } from '../support/test-app';

const TIME = new Date('2026-11-29T14:03:07.412Z');
const REQUEST = {
  requestId: 'req-1',
  method: 'POST',
  path: '/api/workshops',
  status: 422,
  code: 'validation_failed',
  durationMs: 3.1,
  userId: 'user_dev',
};

describe('formatLogLine', () => {
  it('writes JSON with level and time first', () => {
    expect(JSON.parse(formatLogLine('json', 'info', TIME, REQUEST))).toEqual({
      level: 'info',
      time: '2026-11-29T14:03:07.412Z',
      ...REQUEST,
    });
  });

  it('writes a request as one readable line, its problem code after the status', () => {
    expect(formatLogLine('pretty', 'info', TIME, REQUEST)).toBe(
      '14:03:07.412 info  POST /api/workshops 422 validation_failed 3.1 ms user_dev req=req-1',
    );
    const anonymousOk = { ...REQUEST, status: 200, code: undefined, userId: undefined };
    expect(formatLogLine('pretty', 'info', TIME, anonymousOk)).toBe(
      '14:03:07.412 info  POST /api/workshops 200 3.1 ms req=req-1',
    );
  });

  it('writes any other event as its name and key=value pairs', () => {
    const line = formatLogLine('pretty', 'warn', TIME, {
      requestId: 'req-2',
      event: 'database_unavailable',
      sqlState: undefined,
      error: { name: 'NeonDbError' },
    });
    expect(line).toBe(
      '14:03:07.412 warn  requestId="req-2" database_unavailable error={"name":"NeonDbError"}',
    );
  });
});

describe('LOG_FORMAT', () => {
  it('is json unless set, and refuses anything but json or pretty', () => {
    const base = {
      DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db',
      CLERK_SECRET_KEY: 'sk_test_x',
      CLERK_PUBLISHABLE_KEY: 'pk_test_x',
      CLERK_JWT_KEY: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----',
      CLERK_AUTHORIZED_PARTIES: 'https://app.example.com',
      CLERK_ISSUER: 'https://clerk.example.com',
    };
    expect(loadConfig({ ...base }).LOG_FORMAT).toBe('json');
    expect(loadConfig({ ...base, LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
    expect(() => loadConfig({ ...base, LOG_FORMAT: 'colour' })).toThrow('LOG_FORMAT');
  });
});

describe('request lines from the app', () => {
  let t: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' });
  });
  afterAll(async () => {
    await t?.close();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('carry the problem code of a refusal', async () => {
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    const unauthenticated = await t.request('/api/me');
    const missing = await t.request('/api/nothing-here');
    const fine = await t.request('/api/health/live');
    expect([unauthenticated.status, missing.status, fine.status]).toEqual([401, 404, 200]);
    expect(lines).toEqual([
      expect.stringMatching(/ info {2}GET \/api\/me 401 unauthorized [\d.]+ ms req=/),
      expect.stringMatching(/ info {2}GET \/api\/nothing-here 404 not_found [\d.]+ ms req=/),
      expect.stringMatching(/ info {2}GET \/api\/health\/live 200 [\d.]+ ms req=/),
    ]);
  });
});
