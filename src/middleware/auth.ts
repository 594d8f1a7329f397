import { verifyToken } from '@clerk/backend';
import { TokenVerificationError, TokenVerificationErrorReason } from '@clerk/backend/errors';
import { isMachineToken } from '@clerk/backend/internal';
import { decodeJwt } from '@clerk/backend/jwt';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import type { Caller } from '../auth/caller-claims';
import { callerFromClaims } from '../auth/caller-claims';
import { VerifiedTokenCache } from '../auth/verified-token-cache';
import type { Config } from '../env';
import { ApiError } from '../http/api-error';

const BEARER = /^Bearer ([^\s]+)$/i;
const JWT_SHAPE = /^[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}$/;
const MAX_TOKEN_LENGTH = 8 * 1024;
/** Clerk's `cat` header values that a session token may carry (absent is fine too). */
const SESSION_CATEGORIES = new Set([undefined, 'cl_B7d4PD111AAA', 'cl_I7d4PD111III']);

// Keyed by the validated configuration, so a different key (another test, a rotated secret) never
// reuses verifications made with the old one.
const caches = new WeakMap<Config, VerifiedTokenCache>();

function cacheFor(config: Config): VerifiedTokenCache {
  let cache = caches.get(config);
  if (!cache) {
    cache = new VerifiedTokenCache();
    caches.set(config, cache);
  }
  return cache;
}

const unauthorized = (detail: string) =>
  new ApiError('unauthorized', detail, { headers: { 'WWW-Authenticate': 'Bearer realm="workshop-api"' } });

/**
 * Only a signed RS256 JWT of the session category gets as far as signature verification: Clerk API keys,
 * M2M and OAuth tokens (by prefix, `typ` or an `mch_` subject) are refused the way Clerk's own
 * `authenticateRequest` refuses them for a session-token route.
 */
function looksLikeSessionJwt(token: string): boolean {
  if (token.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(token) || isMachineToken(token)) return false;
  try {
    const header: { alg?: unknown; cat?: unknown } = decodeJwt(token).header;
    return header.alg === 'RS256' && SESSION_CATEGORIES.has(header.cat as string | undefined);
  } catch {
    return false;
  }
}

/**
 * Networkless verification with the instance's public key: signature, `exp`/`nbf` with no clock skew (the
 * cache trusts a token up to its `exp` and not a second longer), `azp` against the authorized parties and
 * `iss` against the instance's issuer.
 * A pending session (`sts: pending`, tasks still to do) is signed out, as Clerk's SDKs treat it by default.
 */
async function verifySessionToken(token: string, config: Config) {
  try {
    const claims = await verifyToken(token, {
      jwtKey: config.CLERK_JWT_KEY,
      authorizedParties: config.CLERK_AUTHORIZED_PARTIES,
      issuer: config.CLERK_ISSUER,
      clockSkewInMs: 0,
    });
    if (claims.sub && claims.sts !== 'pending') return claims;
    throw unauthorized(REFUSALS.other);
  } catch (error) {
    if (error instanceof TokenVerificationError) throw unauthorized(refusalOf(error));
    throw error;
  }
}

/**
 * What a 401 says about a token that was verified and refused. Clerk checks the signature before any
 * claim, so "expired" is only ever said of a token this instance signed; every other refusal reads alike.
 */
const REFUSALS = {
  expired: 'The session token has expired.',
  signature: 'The session token signature is invalid.',
  other: 'The session token is not valid for this API.',
} as const;

function refusalOf(error: TokenVerificationError): string {
  switch (error.reason) {
    case TokenVerificationErrorReason.TokenExpired:
      return REFUSALS.expired;
    case TokenVerificationErrorReason.TokenInvalidSignature:
    case TokenVerificationErrorReason.TokenVerificationFailed:
      return REFUSALS.signature;
    default:
      return REFUSALS.other;
  }
}

async function authenticate(authorization: string | undefined, config: Config): Promise<Caller> {
  if (!authorization) throw unauthorized('A bearer token is required.');
  const token = BEARER.exec(authorization)?.[1];
  const cache = cacheFor(config);
  // Only verified tokens are cached, so a hit needs no further look.
  const cached = token ? cache.get(token) : undefined;
  if (cached) return cached;
  if (!token || !looksLikeSessionJwt(token)) throw unauthorized('The bearer token is not a session token.');

  const claims = await verifySessionToken(token, config);
  const caller = callerFromClaims(claims.sub, claims, config.WORKSHOP_CAPS);
  cache.set(token, caller, claims.exp * 1000);
  return caller;
}

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  c.set('caller', await authenticate(c.req.header('Authorization'), c.get('config')));
  await next();
});
