import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import type { Config } from '../env';
import { formatLogLine, type LogFields, type LogLevel } from '../http/log-line';

const RANK: Record<Config['LOG_LEVEL'], number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** What a log line needs of the configuration. */
export type LogSettings = Pick<Config, 'LOG_LEVEL' | 'LOG_FORMAT'>;

export function writeLog(settings: LogSettings, level: LogLevel, fields: LogFields): void {
  if (RANK[level] < RANK[settings.LOG_LEVEL]) return;
  const line = formatLogLine(settings.LOG_FORMAT, level, new Date(), fields);
  if (level === 'error') console.error(line);
  else console.log(line);
}

/** Without a valid configuration (or before one is read): JSON lines at the `fallback` level. */
export const logSettingsOf = (config: LogSettings | undefined, fallback: Config['LOG_LEVEL']): LogSettings =>
  config ?? { LOG_LEVEL: fallback, LOG_FORMAT: 'json' };

/** A share token in a path is the whole credential: whoever reads the log line could open the link. */
const SHARE_LINK_PATH = /^\/api\/shared\/[^/]*/i;

/** The path as it may be logged (the query string never is). */
export const loggablePath = (path: string): string =>
  path.replace(SHARE_LINK_PATH, '/api/shared/:shareToken');

/**
 * One line per request, after the response is known: no header, query string or body. An error response
 * carries its problem `code`, so a 4xx says which refusal it was.
 */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  const status = c.res.status;
  writeLog(logSettingsOf(c.get('config'), 'info'), status >= 500 ? 'error' : 'info', {
    requestId: c.get('requestId'),
    method: c.req.method,
    path: loggablePath(c.req.path),
    status,
    code: c.get('problemCode'),
    durationMs: Math.round((performance.now() - started) * 10) / 10,
    userId: c.get('caller')?.userId,
  });
});
