import { env } from 'hono/adapter';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { ConfigError, loadConfig } from '../env';

/** A misconfigured process is still alive: liveness answers without a valid configuration. */
const WORKS_WITHOUT_CONFIG = new Set(['/api/health/live']);

/**
 * Workers pass bindings per request; Node and Vercel read process.env (`env(c)` hides the difference).
 * Bindings handed to `app.request()` or `app.fetch()` explicitly win everywhere, which tests rely on.
 */
export const configMiddleware = createMiddleware<AppEnv>(async (c, next) => {
  const bindings: unknown = c.env;
  const source = isConfigSource(bindings) ? bindings : env(c);
  try {
    c.set('config', loadConfig(source));
  } catch (error) {
    if (!(error instanceof ConfigError && WORKS_WITHOUT_CONFIG.has(c.req.path))) throw error;
  }
  await next();
});

function isConfigSource(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && 'DATABASE_URL' in value;
}
