/**
 * Small helpers shared by the reliability suites: cached tokens, direct database assertions and a
 * fingerprint of every table, so that "nothing was written" is checked everywhere, not only where a
 * test author thought of looking.
 */
import { expect } from 'vitest';
import { jsonBody, type TestApp } from '../support/test-app';

export type Headers = Record<string, string>;

/** Tables that can hold anything a request writes (step definitions are edited by admins). */
export const WRITABLE_TABLES = [
  'workshops',
  'workshop_members',
  'workshop_steps',
  'sessions',
  'build_packs',
  'step_definitions',
  'idempotency_keys',
] as const;

export function tokenCache(app: () => TestApp) {
  const cache = new Map<string, Promise<Headers>>();
  return (userId: string, options: { plan?: string; admin?: boolean } = {}): Promise<Headers> => {
    const key = `${userId}:${options.plan ?? ''}:${options.admin ? 'admin' : ''}`;
    let headers = cache.get(key);
    if (!headers) {
      headers = app().as(userId, options);
      cache.set(key, headers);
    }
    return headers;
  };
}

/**
 * `send(method, path, body?, extraHeaders?, userId?)` as a pro-plan caller, `owner` unless another user is
 * named; the body, when given, goes as JSON.
 */
export function pathSender(app: () => TestApp, owner: string) {
  const as = tokenCache(app);
  return async (method: string, path: string, body?: unknown, extra: Headers = {}, userId = owner) => {
    const headers = { ...(await as(userId, { plan: 'pro' })), ...extra };
    return app().request(
      path,
      body === undefined ? { method, headers } : { method, ...jsonBody(body, headers) },
    );
  };
}

export async function rows<T>(app: TestApp, text: string, params: unknown[] = []): Promise<T[]> {
  return (await app.database.sql.query(text, params)).rows as T[];
}

export async function count(app: TestApp, text: string, params: unknown[] = []): Promise<number> {
  const [row] = await rows<{ count: number | string }>(app, text, params);
  return Number(row?.count ?? -1);
}

/** One hash per table over every row: equal fingerprints mean nothing was written anywhere. */
export async function fingerprint(app: TestApp): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const table of WRITABLE_TABLES) {
    const [row] = await rows<{ hash: string | null; n: number }>(
      app,
      `select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as hash, count(*)::int as n
         from ${table} t`,
    );
    result[table] = `${row?.n ?? 0}:${row?.hash ?? ''}`;
  }
  return result;
}

/** What a client may see of a failure: no stack trace, no SQL, no driver or network detail. */
export function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).not.toMatch(
    /\b(select|insert|update|delete from|pg_advisory|idempotency_keys|workshop_members|NeonDbError|ECONNREFUSED|ECONNRESET|fetch failed|socket|AbortError|TimeoutError|127\.0\.0\.1|localhost|XX000|injected)\b/i,
  );
}

/** Runs `action` with `limit` promises in flight at most, in order of `items`. */
export async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  action: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= items.length) return;
      results[index] = await action(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
