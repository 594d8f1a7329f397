/**
 * Log lines go to log pipelines that many people can read, for a long time. They must carry no credential
 * (bearer token, cookie, share token), nothing of what users wrote, and nothing a client put in a query
 * string. This run touches each one, including both ways the database can fail (unreachable; rejecting a
 * statement, whose driver error quotes the statement's parameters), then reads every line it produced.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createWorkshop, putOutput, type Workshop } from '../steps/support';
import { createTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
const lines: string[] = [];

beforeAll(async () => {
  const capture = (...parts: unknown[]) => {
    lines.push(parts.map(String).join(' '));
  };
  // On Node the app logs to this process's console; in workerd, to workerd's output, read line by line.
  t = await createTestApp({ LOG_LEVEL: 'debug', DB_TIMEOUT_MS: '30000' }, { workerLog: capture });
  vi.spyOn(console, 'log').mockImplementation(capture);
  vi.spyOn(console, 'error').mockImplementation(capture);
});

afterAll(async () => {
  vi.restoreAllMocks();
  await t?.close();
});

const SAVED_CONTENT = 'saved 123-45-6789 private note';
const UNREACHABLE_CONTENT = 'unreachable 987-65-4321 private note';
const REJECTED_CONTENT = 'rejected 555-12-3456 private note';
const COOKIE = 'session=cookie-canary-8f2c1a';
const QUERY_CANARY = 'query-canary-77d1e0';

/** Saves an output; answers the request id, by which the request's log line can be found. */
async function save(workshop: Workshop, note: string, expected: number): Promise<string> {
  const response = await putOutput(t, workshop, 'challenge', { note }, { extra: { Cookie: COOKIE } });
  expect(response.status, await response.clone().text()).toBe(expected);
  return response.headers.get('X-Request-Id') ?? '';
}

describe('log lines', () => {
  it('carry no bearer token, cookie, share token, query string or user content', async () => {
    const workshop = await createWorkshop(t);
    const bearer = workshop.headers.Authorization?.replace(/^Bearer /, '') ?? '';
    expect(bearer.length).toBeGreaterThan(100);
    await save(workshop, SAVED_CONTENT, 200);

    const shared = await t.request(`/api/workshops/${workshop.id}/share`, {
      method: 'PUT',
      headers: workshop.headers,
    });
    const { shareToken } = (await shared.json()) as { shareToken: string };
    expect((await t.request(`/api/shared/${shareToken}`)).status).toBe(200);
    expect((await t.request(`/api/shared/${shareToken}/nothing-here`)).status).toBe(404);
    const listed = await t.request(`/api/workshops?cursor=${QUERY_CANARY}`, { headers: workshop.headers });
    expect(listed.status).toBe(400);

    t.endpoint.setFaults({ refuse: true }, t.database.name);
    await save(workshop, UNREACHABLE_CONTENT, 503);
    t.endpoint.setFaults({ failQuery: { pattern: 'update workshop_steps', code: 'XX000' } }, t.database.name);
    const last = await save(workshop, REJECTED_CONTENT, 500);
    t.endpoint.clearFaults(t.database.name);
    // workerd's output arrives through a pipe: wait for the last request's line (generous: hangs only).
    await vi.waitFor(() => expect(lines.join('\n')).toContain(`"requestId":"${last}"`), { timeout: 60_000 });

    const log = lines.join('\n');
    expect(log).toContain('"event":"database_unavailable"');
    expect(log).toContain('"event":"unhandled_error"');
    expect(log).toContain('"path":"/api/shared/:shareToken"');
    for (const secret of [
      bearer,
      COOKIE,
      shareToken,
      QUERY_CANARY,
      SAVED_CONTENT,
      UNREACHABLE_CONTENT,
      REJECTED_CONTENT,
      '123-45-6789',
      '987-65-4321',
      '555-12-3456',
    ]) {
      expect(log, `a log line holds ${secret.slice(0, 24)}…`).not.toContain(secret);
    }
  });
});
