/**
 * Node side: builds the Worker as `wrangler deploy` uploads it, so the Workers suites can boot that bundle.
 * The pool imports `main` lazily inside a request, which hides mistakes that only a real Worker start shows
 * (I/O, timers or random values in global scope). wrangler.toml's build command is scripts/build-worker.ts
 * and wrangler uploads its output unchanged (`no_bundle`), so the script is run here directly, into a
 * directory of the caller's: `wrangler deploy --dry-run` always builds into dist/worker first, and two runs
 * at once (the exit-status fixtures, a `npm run dev:worker` beside the tests) deleted each other's output.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);

export interface WorkerBundle {
  scriptPath: string;
  /** Every module of the upload: the entry first, then the code-split chunks (the lazily loaded PDF renderer). */
  modules: { type: 'ESModule'; path: string }[];
  /** The output directory: workerd resolves module names relative to it. */
  modulesRoot: string;
  compatibilityDate: string;
}

/** The compatibility date of wrangler.toml, so the bundled worker runs under the same rules as `main`. */
export function wranglerCompatibilityDate(configPath = join(ROOT, 'wrangler.toml')): string {
  const match = /^compatibility_date\s*=\s*"(\d{4}-\d{2}-\d{2})"/m.exec(readFileSync(configPath, 'utf8'));
  if (!match?.[1]) throw new Error(`no compatibility_date in ${configPath}`);
  return match[1];
}

export async function buildWorkerBundle(outdir: string): Promise<WorkerBundle> {
  const require = createRequire(import.meta.url);
  const tsx = require.resolve('tsx/cli');
  try {
    await promisify(execFile)(process.execPath, [tsx, 'scripts/build-worker.ts', '--outdir', outdir], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`scripts/build-worker.ts failed:\n${`${stdout}${stderr}` || String(error)}`);
  }
  const entry = join(outdir, 'index.mjs');
  const chunks = readdirSync(join(outdir, 'chunks')).filter((name) => name.endsWith('.mjs'));
  return {
    scriptPath: entry,
    modules: [entry, ...chunks.map((name) => join(outdir, 'chunks', name))].map((path) => ({
      type: 'ESModule' as const,
      path,
    })),
    modulesRoot: outdir,
    compatibilityDate: wranglerCompatibilityDate(),
  };
}
