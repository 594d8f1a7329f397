import { clerkMiddleware, getAuth } from '@clerk/hono';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import type { Config } from '../env';
import { ApiError } from '../lib/api-error';
import { callerFromClaims } from '../lib/session-claims';
import { VerifiedTokenCache } from '../lib/verified-token-cache';

const BEARER = /^Bearer ([^\s]+)$/i;
const JWT_SHAPE = /^[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}$/;
const MAX_TOKEN_LENGTH = 8 * 1024;

interface Verifier {
  clerk: ReturnType<typeof clerkMiddleware>;
  cache: VerifiedTokenCache;
}

// Keyed by the validated configuration, so a different key (another test, a rotated secret) never
// reuses verifications made with the old one.
const verifiers = new WeakMap<Config, Verifier>();

function verifierFor(config: Config): Verifier {
  let verifier = verifiers.get(config);
  if (!verifier) {
    verifier = {
      clerk: clerkMiddleware({
        secretKey: config.CLERK_SECRET_KEY,
        publishableKey: config.CLERK_PUBLISHABLE_KEY,
        jwtKey: config.CLERK_JWT_KEY,
        authorizedParties: config.CLERK_AUTHORIZED_PARTIES,
      }),
      cache: new VerifiedTokenCache(),
    };
    verifiers.set(config, verifier);
  }
  return verifier;
}

const unauthorized = (detail: string) =>
  new ApiError('unauthorized', detail, { headers: { 'WWW-Authenticate': 'Bearer realm="workshop-api"' } });

/** Anything that is not a signed RS256 JWT (Clerk API keys, M2M and OAuth tokens) is refused before Clerk sees it. */
function looksLikeSessionJwt(token: string): boolean {
  if (token.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(token)) return false;
  try {
    const header: unknown = JSON.parse(
      atob(token.split('.')[0]?.replaceAll('-', '+').replaceAll('_', '/') ?? ''),
    );
    return typeof header === 'object' && header !== null && (header as { alg?: unknown }).alg === 'RS256';
  } catch {
    return false;
  }
}

async function verifyWithClerk(c: Context<AppEnv>, verifier: Verifier) {
  await verifier.clerk(c, async () => {});
  const auth = getAuth(c);
  if (auth.tokenType !== 'session_token' || !auth.userId) return undefined;
  return { userId: auth.userId, claims: auth.sessionClaims as Record<string, unknown> };
}

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('Authorization');
  if (!header) throw unauthorized('A bearer token is required.');
  const token = BEARER.exec(header)?.[1];
  if (!token || !looksLikeSessionJwt(token)) throw unauthorized('The bearer token is not a session token.');

  const config = c.get('config');
  const verifier = verifierFor(config);
  const cached = verifier.cache.get(token);
  if (cached) {
    c.set('caller', cached);
    return next();
  }

  const verified = await verifyWithClerk(c, verifier);
  if (!verified) throw unauthorized('The session token is invalid or expired.');
  const caller = callerFromClaims(verified.userId, verified.claims, config.WORKSHOP_CAPS);
  const exp = verified.claims.exp;
  if (typeof exp === 'number') verifier.cache.set(token, caller, exp * 1000);
  c.set('caller', caller);
  return next();
});
