import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { createDb } from '../db/client';

export const databaseMiddleware = createMiddleware<AppEnv>(async (c, next) => {
  const config = c.get('config');
  c.set('db', createDb(config, { timeoutMs: config.DB_TIMEOUT_MS }));
  await next();
});
