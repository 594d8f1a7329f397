/**
 * The size of the Worker as Cloudflare would receive it: `wrangler deploy --dry-run --minify` into a
 * temporary directory (offline, no login), then the main module's size raw and gzipped, and the packages
 * and files that contribute most (from esbuild's metafile).
 *
 *   tsx scripts/bundle-size.ts [--top 15] [--max-gzip-kib 3072] [--json]
 *
 * Exits non-zero when the build fails or the gzipped size exceeds --max-gzip-kib (default: 3072 KiB,
 * the Workers Free plan's limit; Paid allows 10 MiB).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

interface MetafileInput {
  bytesInOutput: number;
}
interface MetafileOutput {
  bytes: number;
  entryPoint?: string;
  inputs: Record<string, MetafileInput>;
}
interface Metafile {
  outputs: Record<string, MetafileOutput>;
}

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const { values: flags } = parseArgs({
  options: {
    top: { type: 'string', default: '15' },
    'max-gzip-kib': { type: 'string', default: '3072' },
    json: { type: 'boolean', default: false },
  },
});
const top = Number(flags.top);
const maxGzipKib = Number(flags['max-gzip-kib']);
if (!Number.isInteger(top) || top < 0 || !Number.isFinite(maxGzipKib) || maxGzipKib <= 0) {
  console.error('usage: tsx scripts/bundle-size.ts [--top N] [--max-gzip-kib N] [--json]');
  process.exit(2);
}

function wranglerBin(): string {
  const require = createRequire(import.meta.url);
  return join(resolve(require.resolve('wrangler/package.json'), '..'), 'bin', 'wrangler.js');
}

function run(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [wranglerBin(), ...args], {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? 1, output }));
  });
}

/** `node_modules/@scope/name/...` → `@scope/name`; the project's own files → their folder under src/. */
function packageOf(input: string): string {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at >= 0) {
    const first = parts[at + 1] ?? '?';
    return first.startsWith('@') ? `${first}/${parts[at + 2] ?? '?'}` : first;
  }
  // src/lib/build-pack/fonts/x.ts → (app) src/lib/build-pack; src/app.ts → (app) src/app.ts
  if (input.startsWith('src/'))
    return `(app) ${parts.slice(0, Math.max(2, Math.min(3, parts.length - 1))).join('/')}`;
  return `(other) ${parts[0] ?? input}`;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

const outdir = mkdtempSync(join(tmpdir(), 'workshop-api-bundle-'));
try {
  const metafilePath = join(outdir, 'bundle-meta.json');
  console.error('building: wrangler deploy --dry-run --minify (offline, nothing is uploaded)');
  const build = await run([
    'deploy',
    '--dry-run',
    '--minify',
    '--outdir',
    outdir,
    '--metafile',
    metafilePath,
  ]);
  if (build.code !== 0) {
    console.error(build.output);
    console.error(`wrangler exited with ${build.code}`);
    process.exit(1);
  }

  const metafile = JSON.parse(readFileSync(metafilePath, 'utf8')) as Metafile;
  const entry = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint !== undefined);
  if (!entry) throw new Error(`no entry point in ${metafilePath}`);
  const [outputPath, output] = entry;
  const mainModule = resolve(ROOT, outputPath);
  const contents = readFileSync(mainModule);
  const raw = statSync(mainModule).size;
  const gzip = gzipSync(contents).length;

  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(input);
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  const packages = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top);
  const files = Object.entries(output.inputs)
    .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
    .slice(0, top);

  if (flags.json) {
    console.log(
      JSON.stringify(
        {
          entryPoint: output.entryPoint,
          rawBytes: raw,
          gzipBytes: gzip,
          packages: Object.fromEntries(packages),
          files: Object.fromEntries(files.map(([name, input]) => [name, input.bytesInOutput])),
        },
        null,
        2,
      ),
    );
  } else {
    const wranglerLine = /Total Upload: .*/.exec(build.output)?.[0];
    console.log(`\nmain module ${relative(outdir, mainModule)} (from ${output.entryPoint}), minified:`);
    console.log(`  raw   ${kib(raw).padStart(12)}  (${raw} bytes)`);
    console.log(`  gzip  ${kib(gzip).padStart(12)}  (${gzip} bytes, node:zlib default level)`);
    if (wranglerLine) console.log(`  wrangler: ${wranglerLine}`);
    const share = (bytes: number) => `${((bytes / raw) * 100).toFixed(1).padStart(5)}%`;
    console.log(
      `\ntop ${packages.length} contributors by package (minified bytes in the bundle, before gzip):`,
    );
    for (const [name, bytes] of packages)
      console.log(`  ${kib(bytes).padStart(11)} ${share(bytes)}  ${name}`);
    console.log(`\ntop ${files.length} files:`);
    for (const [name, input] of files) {
      console.log(`  ${kib(input.bytesInOutput).padStart(11)} ${share(input.bytesInOutput)}  ${name}`);
    }
  }

  if (gzip > maxGzipKib * 1024) {
    console.error(`\nbundle is ${kib(gzip)} gzipped, over the budget of ${maxGzipKib} KiB`);
    process.exit(1);
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
