/**
 * Node side: builds the Worker exactly as `wrangler deploy` would (`--dry-run --outdir`), so the Workers
 * suite can also boot that bundle as a separate worker. The pool imports `main` lazily inside a request,
 * which hides mistakes that only a real Worker start shows (I/O, timers or random values in global scope).
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
  const wrangler = join(resolve(require.resolve('wrangler/package.json'), '..'), 'bin', 'wrangler.js');
  try {
    await promisify(execFile)(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', outdir], {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`wrangler deploy --dry-run failed:\n${`${stdout}${stderr}` || String(error)}`);
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
