import { existsSync } from 'node:fs';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { createApp } from '../src/app';
import { ConfigError, loadConfig } from '../src/env';
import { DEV_DATA_DIR } from './dev-paths';
import { loadOrCreateKeyPair, loadOrCreateWebhookSecret } from './local-auth/keys';
import { localClerkEnv } from './local-auth/local-clerk';
import { mintSessionToken } from './local-auth/mint-token';
import { startLocalStack } from './local-stack';
import { exitIfPortTaken, portTakenMessage } from './local-stack/free-port';
import { migrateAndSeed } from './local-stack/migrate';
import { serveNode } from './node-server';
import { exitIfLocalStackRunning, recordRunningServer } from './running-server';
import { waitedSinceLaunch } from './startup-time';

const HOST = '127.0.0.1';

if (existsSync('.env')) process.loadEnvFile('.env');
const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
  console.error(`PORT must be a TCP port, got "${process.env.PORT}"`);
  process.exit(2);
}
const base = `http://${HOST}:${port}`;
// A terminal gets one readable line per request; a pipe or a file gets JSON lines.
process.env.LOG_FORMAT ??= process.stdout.isTTY ? 'pretty' : 'json';

if (!process.env.DATABASE_URL) exitIfLocalStackRunning();
await exitIfPortTaken(HOST, port, 'PORT');

async function startDatabase() {
  const remoteUrl = process.env.DATABASE_URL;
  if (remoteUrl) {
    const migrationUrl = process.env.DATABASE_URL_UNPOOLED ?? remoteUrl;
    console.log(`database: ${new URL(remoteUrl).host} (DATABASE_URL) — migrating and seeding`);
    await migrateAndSeed(migrationUrl);
    return { stop: async () => {} };
  }
  const stack = await startLocalStack({ dataDir: DEV_DATA_DIR.postgres });
  Object.assign(process.env, stack.env);
  recordRunningServer({ command: 'npm run dev', url: base, postgresPort: stack.postgres.port });
  console.log(`database: embedded Postgres 17 on 127.0.0.1:${stack.postgres.port} (data in .data/postgres)`);
  console.log(`          psql: npm run db:psql   (or any client: ${stack.env.DATABASE_URL})`);
  console.log(`          Neon SQL-over-HTTP endpoint ${stack.endpoint.url}`);
  console.log(
    `          faults: curl -X POST ${new URL('/__control/faults', stack.endpoint.url)} -d '{"delayMs":25}'`,
  );
  return stack;
}

function configureLocalAuth(): string | undefined {
  if (process.env.CLERK_JWT_KEY) return undefined;
  const keys = loadOrCreateKeyPair(DEV_DATA_DIR.keys);
  Object.assign(process.env, localClerkEnv(keys));
  return keys.privateKeyPem;
}

/** Clerk's webhooks, signed locally by `npm run webhook` with the secret kept under .data/. */
function configureLocalWebhooks(): void {
  process.env.CLERK_WEBHOOK_SIGNING_SECRET ||= loadOrCreateWebhookSecret(DEV_DATA_DIR.keys);
}

const database = await startDatabase();
const localPrivateKey = configureLocalAuth();
configureLocalWebhooks();
process.env.CORS_ORIGINS ??= 'http://localhost:5173,http://localhost:3000';
process.env.PUBLIC_BASE_URL ??= base;
await refuseInvalidConfig();

/** A server that would answer every request with 500 misconfigured does not start at all. */
async function refuseInvalidConfig() {
  try {
    loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`\nworkshop-api not started: ${error.message}`);
    await database.stop();
    process.exit(1);
  }
}

const app = createApp();
// Static assets (the API docs page's script) are served by the platform on Workers and Vercel.
const site = new Hono();
site.use('/assets/*', serveStatic({ root: './public' }));
site.all('*', (c) => app.fetch(c.req.raw));
const server = serveNode({ fetch: site.fetch, hostname: HOST, port }, () => {
  void announce();
});
// Taken between the check above and now: the same one line, and the database stopped with us.
server.once('error', (error: NodeJS.ErrnoException) => {
  console.error(portTakenMessage(HOST, port, 'PORT', error));
  void shutdown(1);
});

async function announce() {
  const waited = waitedSinceLaunch('scripts/dev.ts');
  console.log(`\nworkshop-api ready on ${base} in ${(waited.ms / 1000).toFixed(1)} s (${waited.since})`);
  console.log(`  health:  curl -i ${base}/api/health`);
  console.log(`  docs:    ${base}/api/docs`);
  if (localPrivateKey) {
    const token = await mintSessionToken(localPrivateKey, { userId: 'user_dev', expiresIn: 24 * 3600 });
    console.log(`  token:   ${token}`);
    console.log(`  me:      curl -H "Authorization: Bearer ${token}" ${base}/api/me`);
    console.log('  another: npm run -s token -- --user user_other --plan pro');
  }
  console.log('  webhook: npm run -s webhook -- user.deleted --user user_dev');
}

let stopping = false;
async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  server.close();
  await database.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
