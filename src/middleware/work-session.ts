import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { isId, newId } from '../domain/ids';

export const SESSION_HEADER = 'X-Session-Id';

/**
 * Sessions are lazy: this only decides which id the request works under and tells the client. Nothing is
 * written here; a meaningful activity writes the row in the same statement as the activity itself.
 */
export const sessionMiddleware = createMiddleware<AppEnv>(async (c, next) => {
  const sent = c.req.header(SESSION_HEADER);
  const id = sent !== undefined && isId('session', sent) ? sent : newId('session');
  c.set('session', { id });
  c.header(SESSION_HEADER, id);
  await next();
});

/** After a meaningful activity, the id the row was actually written under. */
export function announceSession(
  c: { header(name: string, value: string): void },
  sessionId: string | null,
): void {
  if (sessionId) c.header(SESSION_HEADER, sessionId);
}
