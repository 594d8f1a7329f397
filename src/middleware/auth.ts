import { clerkMiddleware, getAuth } from '@clerk/hono';
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv, Caller } from '../app-env';
import type { Config } from '../env';
import { ApiError } from '../lib/api-error';
import { callerFromClaims } from '../lib/session-claims';
import { VerifiedTokenCache } from '../lib/verified-token-cache';

const BEARER = /^Bearer ([^\s]+)$/i;
const JWT_SHAPE = /^[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}$/;
const MAX_TOKEN_LENGTH = 8 * 1024;
const VERIFY_URL = 'https://verify.invalid/';

interface Verified {
  userId: string;
  claims: Record<string, unknown>;
}

interface Verifier {
  verify(authorization: string): Promise<Verified | undefined>;
  cache: VerifiedTokenCache;
}

/**
 * Clerk's middleware runs inside a private app on a request that carries nothing but the Authorization
 * header: on the real request, a browser-looking one (Accept: text/html) with an expired token makes Clerk
 * answer with a handshake redirect that embeds the token, and its response headers would leak into ours.
 */
function createVerifier(config: Config): Verifier {
  const results = new WeakMap<Request, Verified>();
  const options = {
    secretKey: config.CLERK_SECRET_KEY,
    publishableKey: config.CLERK_PUBLISHABLE_KEY,
    jwtKey: config.CLERK_JWT_KEY,
    authorizedParties: config.CLERK_AUTHORIZED_PARTIES,
    // Expired means expired: the cache already trusts a token up to its exp and not a second longer.
    clockSkewInMs: 0,
    // Passed through to Clerk's client (not in the middleware's type): never report anything anywhere.
    telemetry: { disabled: true },
  };
  const verifier = new Hono();
  verifier.use(clerkMiddleware(options));
  verifier.all('*', (c) => {
    const auth = getAuth(c);
    if (auth.tokenType === 'session_token' && auth.userId) {
      results.set(c.req.raw, { userId: auth.userId, claims: auth.sessionClaims as Record<string, unknown> });
    }
    return c.body(null, 204);
  });
  return {
    cache: new VerifiedTokenCache(),
    verify: async (authorization) => {
      const request = new Request(VERIFY_URL, { headers: { Authorization: authorization } });
      // Everything Clerk needs is in the options; empty bindings keep it from reading any environment.
      await verifier.fetch(request, {});
      return results.get(request);
    },
  };
}

// Keyed by the validated configuration, so a different key (another test, a rotated secret) never
// reuses verifications made with the old one.
const verifiers = new WeakMap<Config, Verifier>();

function verifierFor(config: Config): Verifier {
  let verifier = verifiers.get(config);
  if (!verifier) {
    verifier = createVerifier(config);
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

async function authenticate(authorization: string | undefined, config: Config): Promise<Caller> {
  if (!authorization) throw unauthorized('A bearer token is required.');
  const token = BEARER.exec(authorization)?.[1];
  const verifier = verifierFor(config);
  // Only verified tokens are cached, so a hit needs no further look.
  const cached = token ? verifier.cache.get(token) : undefined;
  if (cached) return cached;
  if (!token || !looksLikeSessionJwt(token)) throw unauthorized('The bearer token is not a session token.');

  const verified = await verifier.verify(`Bearer ${token}`);
  if (!verified) throw unauthorized('The session token is invalid or expired.');
  const caller = callerFromClaims(verified.userId, verified.claims, config.WORKSHOP_CAPS);
  const exp = verified.claims.exp;
  if (typeof exp === 'number') verifier.cache.set(token, caller, exp * 1000);
  return caller;
}

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  c.set('caller', await authenticate(c.req.header('Authorization'), c.get('config')));
  await next();
});
