import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { createDb, type Database } from '../db/client';
import { startDeadline } from '../db/deadline';
import { createRoundTripRecord } from '../db/round-trip-record';
import { policyOf } from '../http/route-policy';

const SAFE_RETRIES = 2;

/**
 * Repeating a request is safe when the method is idempotent, when the client made it so with an
 * Idempotency-Key, or when the route declares it `repeatable`; never when the route declares `never`.
 * A conditional PUT is not: had the first attempt committed, the retry would find a new version and
 * answer 412 for a success.
 */
function retriesFor(c: Context<AppEnv>): number {
  const declared = policyOf(c).database?.retry;
  if (declared === 'never') return 0;
  const method = c.req.method;
  if (method === 'GET' || method === 'HEAD') return SAFE_RETRIES;
  if (method === 'PUT') return c.req.header('If-Match') ? 0 : SAFE_RETRIES;
  if (method === 'POST' && (c.req.header('Idempotency-Key') || declared === 'repeatable'))
    return SAFE_RETRIES;
  return 0;
}

/**
 * The request's database client, made on first use: routes that never touch the database (health,
 * liveness, docs, the OpenAPI document, a cached read) never build one, with no list of paths to keep.
 */
export function requestDb(c: Context<AppEnv>): Database {
  let db = c.get('db');
  if (!db) {
    const config = c.get('config');
    const deadline = startDeadline(config[policyOf(c).database?.timeout ?? 'DB_TIMEOUT_MS']);
    const record = createRoundTripRecord();
    db = createDb(config, { signal: deadline.signal, retries: retriesFor(c), record });
    c.set('db', db);
    c.set('dbDeadline', deadline);
    c.set('dbRoundTrips', record);
  }
  return db;
}

/** The request's database deadline ends with the request, whichever way the request ends. */
export const endDatabaseDeadline = createMiddleware<AppEnv>(async (c, next) => {
  try {
    await next();
  } finally {
    c.get('dbDeadline')?.clear();
  }
});
