/**
 * Deploys the Worker: migrations, then the idempotent seed, against DATABASE_URL (through
 * DATABASE_URL_UNPOOLED when set: migrations want a session), then `wrangler deploy --minify`.
 *
 *   DATABASE_URL=… [DATABASE_URL_UNPOOLED=…] tsx scripts/deploy.ts [-- <more wrangler deploy flags>]
 *
 * Flags after the script name go to wrangler (e.g. `--env staging`, `--message "…"`). With `--dry-run` the
 * database is left alone and wrangler only builds. The Worker's own secrets (DATABASE_URL, CLERK_*) are set
 * once with `wrangler secret put` (see wrangler.toml); this script never uploads them.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { migrateAndSeed } from './local-stack/migrate';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const passThrough = process.argv.slice(2).filter((arg) => arg !== '--');
const dryRun = passThrough.includes('--dry-run');

function fail(message: string): never {
  console.error(`deploy: ${message}`);
  process.exit(1);
}

function describe(url: string, name: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    fail(`${name} is not a URL`);
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) fail(`${name} must be a postgres:// or postgresql:// URL`);
  return `${parsed.host}${parsed.pathname}`;
}

function wranglerBin(): string {
  const require = createRequire(import.meta.url);
  return join(resolve(require.resolve('wrangler/package.json'), '..'), 'bin', 'wrangler.js');
}

function runWrangler(args: string[]): Promise<number> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [wranglerBin(), ...args], { cwd: ROOT, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  fail(
    'DATABASE_URL is not set. Deploying runs the migrations against the production database first:\n' +
      '  DATABASE_URL=postgresql://…-pooler…/db DATABASE_URL_UNPOOLED=postgresql://…/db npm run deploy\n' +
      '  (or: npx tsx --env-file=.env.production scripts/deploy.ts)',
  );
}
const migrationUrl = process.env.DATABASE_URL_UNPOOLED ?? databaseUrl;
const target = describe(
  migrationUrl,
  process.env.DATABASE_URL_UNPOOLED ? 'DATABASE_URL_UNPOOLED' : 'DATABASE_URL',
);
describe(databaseUrl, 'DATABASE_URL');

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;

if (dryRun) {
  console.log(`[1/2] migrations + seed: skipped (--dry-run); would run against ${target}`);
} else {
  console.log(`[1/2] migrations + seed against ${target}`);
  try {
    const { seeded } = await migrateAndSeed(migrationUrl);
    console.log(
      `      done in ${elapsed()}: migrations applied, ${seeded} missing step definition(s) inserted`,
    );
  } catch (error) {
    fail(
      `migrations failed, nothing was deployed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

const args = ['deploy', '--minify', ...passThrough];
console.log(`[2/2] wrangler ${args.join(' ')}`);
const code = await runWrangler(args);
if (code !== 0)
  fail(`wrangler deploy exited with ${code} (the database is already migrated; migrations are additive)`);
if (dryRun) console.log(`dry run finished in ${elapsed()}: nothing was migrated or uploaded`);
else
  console.log(
    `deployed in ${elapsed()}. Secrets are not part of a deploy: \`npx wrangler secret list\` shows what is set.`,
  );
