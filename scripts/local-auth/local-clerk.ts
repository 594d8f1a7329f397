import type { SigningKeyPair } from './keys';

/** A syntactically valid publishable key for an instance that does not exist: nothing ever calls it. */
export const LOCAL_PUBLISHABLE_KEY = `pk_test_${Buffer.from('workshop-api-local.clerk.accounts.dev$').toString('base64')}`;
export const LOCAL_SECRET_KEY = 'sk_test_local_only_never_sent_anywhere';
export const LOCAL_AUTHORIZED_PARTY = 'http://localhost:5173';
export const LOCAL_ISSUER = 'https://workshop-api-local.clerk.accounts.dev';

/** The Clerk part of the app's configuration for a locally generated key pair. */
export function localClerkEnv(keys: SigningKeyPair) {
  return {
    CLERK_SECRET_KEY: LOCAL_SECRET_KEY,
    CLERK_PUBLISHABLE_KEY: LOCAL_PUBLISHABLE_KEY,
    CLERK_JWT_KEY: keys.publicKeyPem,
    CLERK_AUTHORIZED_PARTIES: LOCAL_AUTHORIZED_PARTY,
    CLERK_ISSUER: LOCAL_ISSUER,
  };
}
