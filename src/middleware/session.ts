import { sha3_256 } from '@noble/hashes/sha3.js';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { ID_PREFIXES, isId, newId } from '../lib/ids';

export const SESSION_HEADER = 'X-Session-Id';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const utf8 = new TextEncoder();

/**
 * The id used instead of a client's id that belongs to another workshop or has ended. Derived from both,
 * so repeated or concurrent requests carrying the same unusable id share one replacement session.
 */
function replacementSessionId(sentId: string, workshopId: string): string {
  // Synchronous SHA3 (already in the bundle through cuid2): WebCrypto's digest costs a thread-pool job on Node.
  const digest = sha3_256(utf8.encode(`${sentId}\u0000${workshopId}`));
  const characters = Array.from(digest.subarray(0, 24), (byte, index) =>
    index === 0 ? ALPHABET.charAt(byte % 26) : ALPHABET.charAt(byte % 36),
  );
  return `${ID_PREFIXES.session}_${characters.join('')}`;
}

/**
 * Sessions are lazy: this only decides which id the request works under and tells the client. Nothing is
 * written here; a meaningful activity writes the row in the same statement as the activity itself.
 */
export const sessionMiddleware = createMiddleware<AppEnv>(async (c, next) => {
  const sent = c.req.header(SESSION_HEADER);
  const usable = sent !== undefined && isId('session', sent);
  const id = usable ? sent : newId('session');
  // A freshly made id belongs to no one yet, so it is its own fallback.
  const fallbackId = usable ? replacementSessionId(sent, c.req.param('workshopId') ?? '') : id;
  c.set('session', { id, fallbackId });
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
