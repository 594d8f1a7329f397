/**
 * Node side of the Workers suite (vitest.workers.config.ts): a local Neon stack of its own (embedded
 * Postgres in a temporary directory, migrated and seeded, behind the SQL-over-HTTP endpoint) and a fresh
 * Clerk test key pair. The worker gets the connection settings and the *public* key as bindings; tokens are
 * minted here, because the private key never enters workerd. It also builds the deployable bundle, which the
 * suite boots as a second worker (see workers-bundle.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { generateWebhookSigningSecret } from '../../scripts/local-auth/clerk-webhook';
import { generateSigningKeyPair } from '../../scripts/local-auth/keys';
import { localClerkEnv } from '../../scripts/local-auth/local-clerk';
import { mintSessionToken } from '../../scripts/local-auth/mint-token';
import { type LocalStack, startLocalStack } from '../../scripts/local-stack';
import { buildWorkerBundle } from './workers-bundle';
import { WORKER_USERS, type WorkerTokens } from './workers-context';

let stack: LocalStack | undefined;
const ROOT = resolve(new URL('../..', import.meta.url).pathname);
let bundleDir: string | undefined;

export async function setup(project: TestProject) {
  bundleDir = mkdtempSync(join(tmpdir(), 'workshop-api-worker-bundle-'));
  try {
    const bundle = await buildWorkerBundle(bundleDir);
    // What the integration itself runs is wrangler.toml's `main`, the bundle in dist/worker, which a fresh
    // clone does not have until something builds it.
    await buildWorkerBundle(join(ROOT, 'dist', 'worker'));
    stack = await startLocalStack({
      dataDir: mkdtempSync(join(tmpdir(), 'workshop-api-workers-')),
      ephemeral: true,
    });
    const keys = generateSigningKeyPair();
    const otherKeys = generateSigningKeyPair();
    const tokens: WorkerTokens = {
      owner: await mintSessionToken(keys.privateKeyPem, { userId: WORKER_USERS.owner }),
      stranger: await mintSessionToken(keys.privateKeyPem, { userId: WORKER_USERS.stranger, plan: 'pro' }),
      leaver: await mintSessionToken(keys.privateKeyPem, { userId: WORKER_USERS.leaver }),
      expired: await mintSessionToken(keys.privateKeyPem, { userId: WORKER_USERS.owner, expiresIn: -60 }),
      wrongKey: await mintSessionToken(otherKeys.privateKeyPem, { userId: WORKER_USERS.owner }),
    };
    project.provide('workerBindings', {
      ...stack.env,
      ...localClerkEnv(keys),
      CLERK_WEBHOOK_SIGNING_SECRET: generateWebhookSigningSecret(),
      CORS_ORIGINS: 'http://localhost:5173',
      LOG_LEVEL: 'silent',
    });
    project.provide('workerTokens', tokens);
    project.provide('workerBundle', bundle);
  } catch (error) {
    await teardown();
    throw error;
  }
}

export async function teardown() {
  await stack?.stop();
  stack = undefined;
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  bundleDir = undefined;
}
