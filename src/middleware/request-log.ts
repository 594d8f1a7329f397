import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import type { Config } from '../env';

type Level = Exclude<Config['LOG_LEVEL'], 'silent'>;
const RANK: Record<Config['LOG_LEVEL'], number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export function writeLog(
  configured: Config['LOG_LEVEL'],
  level: Level,
  fields: Record<string, unknown>,
): void {
  if (RANK[level] < RANK[configured]) return;
  const line = JSON.stringify({ level, time: new Date().toISOString(), ...fields });
  if (level === 'error') console.error(line);
  else console.log(line);
}

/** A share token in a path is the whole credential: whoever reads the log line could open the link. */
const SHARE_LINK_PATH = /^\/api\/shared\/[^/]*/i;

/** The path as it may be logged (the query string never is). */
export const loggablePath = (path: string): string =>
  path.replace(SHARE_LINK_PATH, '/api/shared/:shareToken');

/** One JSON line per request, after the response is known: no header, query string or body. */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  const config = c.get('config');
  const status = c.res.status;
  writeLog(config?.LOG_LEVEL ?? 'info', status >= 500 ? 'error' : 'info', {
    requestId: c.get('requestId'),
    method: c.req.method,
    path: loggablePath(c.req.path),
    status,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
    userId: c.get('caller')?.userId,
  });
});
