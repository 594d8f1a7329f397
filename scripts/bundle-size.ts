/**
 * The size of the Worker as Cloudflare would receive it: the bundle of scripts/build-worker.ts (what
 * `wrangler deploy` uploads, see wrangler.toml), module by module, raw and gzipped, with the packages that
 * contribute most to each; what an isolate loads before its first request (the main module and every
 * chunk it imports statically); the same figure for bench/bundle-floor-entry.ts, the app's dependencies
 * with none of its code; then wrangler's own `deploy --dry-run` total, offline.
 *
 *   tsx scripts/bundle-size.ts [--top 12] [--max-gzip-kib 3072] [--max-startup-gzip-kib 166] [--json]
 *
 * Exits non-zero when a build fails, when the whole upload, gzipped, exceeds --max-gzip-kib (default 3072 KiB,
 * the Workers Free plan's limit; Paid allows 10 MiB), or when what loads before a first request exceeds
 * --max-startup-gzip-kib (default 166 KiB: today's 163.6 plus a little room, which keeps it within the
 * bench's target of 1.25 × the 132.7 KiB of the dependencies alone; the OpenAPI generator or a renderer
 * landing in the main module again trips it long before Cloudflare's limits would).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

interface MetafileOutput {
  bytes: number;
  entryPoint?: string;
  inputs: Record<string, { bytesInOutput: number }>;
  imports: { path: string; kind: string }[];
}

type Metafile = { outputs: Record<string, MetafileOutput> };

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const { values: flags } = parseArgs({
  options: {
    top: { type: 'string', default: '12' },
    'max-gzip-kib': { type: 'string', default: '3072' },
    'max-startup-gzip-kib': { type: 'string', default: '166' },
    json: { type: 'boolean', default: false },
  },
});
const top = Number(flags.top);
const maxGzipKib = Number(flags['max-gzip-kib']);
const maxStartupGzipKib = Number(flags['max-startup-gzip-kib']);
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** `node_modules/@scope/name/...` → `@scope/name`; the project's own files → their folder under src/. */
function packageOf(input: string): string {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at >= 0) {
    const first = parts[at + 1] ?? '?';
    return first.startsWith('@') ? `${first}/${parts[at + 2] ?? '?'}` : first;
  }
  return input.startsWith('src/')
    ? `(app) ${parts.slice(0, Math.min(3, parts.length - 1)).join('/')}`
    : input;
}

/** The entry module and every chunk it imports statically, transitively: what loads before a first request. */
function startupModules(metafile: Metafile): string[] {
  const entry = Object.keys(metafile.outputs).find((path) => path.endsWith('/index.mjs'));
  const seen = new Set<string>();
  const visit = (path: string | undefined) => {
    if (!path || seen.has(path)) return;
    seen.add(path);
    for (const imported of metafile.outputs[path]?.imports ?? [])
      if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(entry);
  return [...seen];
}

function build(outdir: string, entry: string, ...options: string[]): Metafile {
  execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/build-worker.ts',
      '--outdir',
      outdir,
      '--metafile',
      '--entry',
      entry,
      ...options,
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return JSON.parse(readFileSync(join(outdir, 'metafile.json'), 'utf8')) as Metafile;
}

const gzipSizeOf = (paths: readonly string[]) =>
  paths.reduce((sum, path) => sum + gzipSync(readFileSync(resolve(ROOT, path))).length, 0);

function describeModule(
  outdir: string,
  path: string,
  output: Pick<MetafileOutput, 'inputs'>,
  loadedAtStartup: boolean,
) {
  const contents = readFileSync(resolve(ROOT, path));
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
  }
  return {
    module: relative(outdir, resolve(ROOT, path)),
    main: path.endsWith('/index.mjs'),
    loadedAtStartup,
    rawBytes: contents.length,
    gzipBytes: gzipSync(contents).length,
    topPackages: [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top),
  };
}

const outdir = mkdtempSync(join(tmpdir(), 'workshop-api-bundle-'));
try {
  const metafile = build(outdir, 'src/index.ts');
  const startup = startupModules(metafile);
  const modules = Object.entries(metafile.outputs)
    .filter(([path]) => path.endsWith('.mjs'))
    .map(([path, output]) => describeModule(outdir, path, output, startup.includes(path)))
    .sort((a, b) => Number(b.main) - Number(a.main) || b.rawBytes - a.rawBytes);
  const startupGzip = gzipSizeOf(startup);
  const floorOutdir = join(outdir, 'floor');
  const floorGzip = gzipSizeOf(
    startupModules(build(floorOutdir, 'bench/bundle-floor-entry.ts', '--runtime-openapi')),
  );
  const totalGzip = modules.reduce((sum, module) => sum + module.gzipBytes, 0);

  const require = createRequire(import.meta.url);
  const wrangler = join(resolve(require.resolve('wrangler/package.json'), '..'), 'bin', 'wrangler.js');
  const dryRun = execFileSync(
    process.execPath,
    [wrangler, 'deploy', '--dry-run', '--outdir', join(outdir, 'upload')],
    {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const wranglerTotal = /Total Upload: .*/.exec(dryRun)?.[0] ?? 'unknown';

  if (flags.json) {
    console.log(
      JSON.stringify(
        {
          modules,
          startupGzipBytes: startupGzip,
          floorStartupGzipBytes: floorGzip,
          totalGzipBytes: totalGzip,
          wrangler: wranglerTotal,
        },
        null,
        2,
      ),
    );
  } else {
    for (const module of modules) {
      const role = module.main
        ? 'main module'
        : module.loadedAtStartup
          ? 'chunk imported by the main module'
          : 'lazily loaded module';
      console.log(`\n${role} ${module.module}: ${kib(module.rawBytes)} raw, ${kib(module.gzipBytes)} gzip`);
      for (const [name, bytes] of module.topPackages) console.log(`  ${kib(bytes).padStart(11)}  ${name}`);
    }
    console.log(
      `\nloaded before a first request (main module + its static imports): ${kib(startupGzip)} gzip`,
    );
    console.log(`the same for the dependencies alone (bench/bundle-floor-entry.ts): ${kib(floorGzip)} gzip`);
    console.log(`all modules: ${kib(totalGzip)} gzip; wrangler deploy --dry-run: ${wranglerTotal}`);
  }
  if (totalGzip > maxGzipKib * 1024) {
    console.error(`\nthe upload is ${kib(totalGzip)} gzipped, over the budget of ${maxGzipKib} KiB`);
    process.exit(1);
  }
  if (startupGzip > maxStartupGzipKib * 1024) {
    console.error(
      `\nthe Worker loads ${kib(startupGzip)} gzipped before a first request, over the budget of ${maxStartupGzipKib} KiB`,
    );
    process.exit(1);
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
