/**
 * `npm run vercel:build [-- <vercel build options>]`: Vercel's own `vercel build`, runnable offline from a
 * clone, producing .vercel/output exactly as a deployment would (vercel.json's buildCommand included).
 *
 * - The CLI is not a devDependency: it is some 290 packages and 360 MB that only this path needs, and
 *   64.0.2 does not install as published (it pins `sandbox` 4.4.0, which is not on the registry). It is
 *   installed once, pinned, into .data/vercel-cli with an override of `sandbox` to 4.5.0.
 * - `vercel build` wants a linked project (.vercel/project.json, which `vercel link` writes). Without
 *   one, a local placeholder is written; a real link is never touched.
 * - The build command migrates the deployment's database and fails without one, as on Vercel: with no
 *   DATABASE_URL, the embedded database in .data/postgres is used (a running `npm run dev`'s, or one
 *   started for the build).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { withDatabaseTarget } from './database-target';
import { DEV_DATA_DIR } from './dev-paths';

export const VERCEL_CLI_VERSION = '64.0.2';
const ROOT = resolve(new URL('..', import.meta.url).pathname);
const CLI_DIR = join(DEV_DATA_DIR.root, 'vercel-cli');
const CLI_PACKAGE = join(CLI_DIR, 'node_modules', 'vercel', 'package.json');
const PROJECT_LINK = join(ROOT, '.vercel', 'project.json');

/** What a linked project would hold; Vercel's build reads the framework and Node version from it. */
const LOCAL_PROJECT_LINK = {
  projectId: 'prj_local_build',
  orgId: 'team_local_build',
  settings: { framework: null, nodeVersion: '24.x' },
};

function installedCliVersion(): string | undefined {
  if (!existsSync(CLI_PACKAGE)) return undefined;
  return (JSON.parse(readFileSync(CLI_PACKAGE, 'utf8')) as { version: string }).version;
}

function ensureCli(): string {
  if (installedCliVersion() !== VERCEL_CLI_VERSION) {
    console.log(
      `vercel:build: installing Vercel CLI ${VERCEL_CLI_VERSION} into .data/vercel-cli (once, about a minute)`,
    );
    mkdirSync(CLI_DIR, { recursive: true });
    const manifest = {
      private: true,
      dependencies: { vercel: VERCEL_CLI_VERSION },
      overrides: { sandbox: '4.5.0' },
    };
    writeFileSync(join(CLI_DIR, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: CLI_DIR,
      stdio: 'inherit',
    });
    if (install.status !== 0) {
      console.error('vercel:build: installing the Vercel CLI failed (it needs the npm registry once)');
      process.exit(1);
    }
  }
  return join(CLI_DIR, 'node_modules', 'vercel', 'dist', 'vc.js');
}

function ensureProjectLink(): void {
  if (existsSync(PROJECT_LINK)) return;
  mkdirSync(join(ROOT, '.vercel'), { recursive: true });
  writeFileSync(PROJECT_LINK, `${JSON.stringify(LOCAL_PROJECT_LINK, null, 2)}\n`);
  console.log('vercel:build: no linked project, wrote a local placeholder to .vercel/project.json');
}

function runVercelBuild(cli: string, databaseUrl: string | undefined): number {
  const env: NodeJS.ProcessEnv = { ...process.env, VERCEL_TELEMETRY_DISABLED: '1' };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  const result = spawnSync(process.execPath, [cli, 'build', '--yes', ...process.argv.slice(2)], {
    cwd: ROOT,
    stdio: 'inherit',
    env,
  });
  return result.status ?? 1;
}

const cli = ensureCli();
ensureProjectLink();
const status = process.env.DATABASE_URL
  ? runVercelBuild(cli, undefined)
  : await withDatabaseTarget(async (target) => {
      console.log(`vercel:build: no DATABASE_URL, the build migrates ${target.describe}`);
      return runVercelBuild(cli, target.url);
    });
if (status === 0) console.log('vercel:build: done; the deployable output is in .vercel/output');
process.exit(status);
