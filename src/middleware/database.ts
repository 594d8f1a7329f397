import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { createDb } from '../db/client';

const SAFE_RETRIES = 2;

/**
 * Repeating a request is safe when the method is idempotent, or when the client made it so with an
 * Idempotency-Key. Completing a step twice changes nothing, so that POST is safe too.
 */
function retriesFor(c: Context<AppEnv>): number {
  const method = c.req.method;
  if (method === 'GET' || method === 'HEAD' || method === 'PUT') return SAFE_RETRIES;
  if (method === 'POST' && (c.req.header('Idempotency-Key') || c.req.path.endsWith('/complete')))
    return SAFE_RETRIES;
  return 0;
}

export const databaseMiddleware = createMiddleware<AppEnv>(async (c, next) => {
  const config = c.get('config');
  c.set('db', createDb(config, { timeoutMs: config.DB_TIMEOUT_MS, retries: retriesFor(c) }));
  await next();
});
