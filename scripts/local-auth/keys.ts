import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateWebhookSigningSecret } from './clerk-webhook';

export interface SigningKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** Clerk instances sign with RSA-2048; larger keys are rejected by its verifier. */
export function generateSigningKeyPair(): SigningKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The dev server's key pair lives under .data/ so that tokens minted by `npm run token` keep working across restarts. */
export function loadOrCreateKeyPair(dir: string): SigningKeyPair {
  const privatePath = join(dir, 'clerk-dev-private.pem');
  const publicPath = join(dir, 'clerk-dev-public.pem');
  if (existsSync(privatePath) && existsSync(publicPath)) {
    return {
      privateKeyPem: readFileSync(privatePath, 'utf8'),
      publicKeyPem: readFileSync(publicPath, 'utf8'),
    };
  }
  const pair = generateSigningKeyPair();
  mkdirSync(dir, { recursive: true });
  writeFileSync(privatePath, pair.privateKeyPem, { mode: 0o600 });
  writeFileSync(publicPath, pair.publicKeyPem);
  return pair;
}

/** The dev server's webhook signing secret, beside its key pair, so `npm run webhook` signs what it accepts. */
export function loadOrCreateWebhookSecret(dir: string): string {
  const path = join(dir, 'clerk-webhook-signing-secret');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const secret = generateWebhookSigningSecret();
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}
