import { signJwt } from '@clerk/backend/jwt';
import { LOCAL_AUTHORIZED_PARTY, LOCAL_ISSUER } from './local-clerk';

export interface MintOptions {
  userId: string;
  plan?: string;
  admin?: boolean;
  /** Seconds from now; negative for an already expired token. */
  expiresIn?: number;
  authorizedParty?: string;
  /** Claims merged over the defaults, for tests of odd tokens. */
  claims?: Record<string, unknown>;
  /** JOSE header fields merged over `typ: JWT`, for tests of odd tokens. */
  header?: Record<string, unknown>;
}

/** A session token shaped like Clerk's v2 tokens, signed RS256 with the given private key. */
export async function mintSessionToken(privateKeyPem: string, options: MintOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const metadata: Record<string, unknown> = {};
  if (options.plan) metadata.plan = options.plan;
  if (options.admin) metadata.role = 'admin';
  const payload = {
    v: 2,
    iss: LOCAL_ISSUER,
    sub: options.userId,
    sid: `sess_${crypto.randomUUID().replaceAll('-', '')}`,
    azp: options.authorizedParty ?? LOCAL_AUTHORIZED_PARTY,
    iat: now,
    nbf: now - 5,
    exp: now + (options.expiresIn ?? 3600),
    fva: [0, -1],
    metadata,
    ...options.claims,
  };
  return signJwt(payload, privateKeyPem, { algorithm: 'RS256', header: { typ: 'JWT', ...options.header } });
}
