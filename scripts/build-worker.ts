/**
 * The Worker's bundle, built here rather than by wrangler for two things wrangler's bundler cannot do:
 * code splitting, so the PDF renderer and its fonts become a module of their own that the Worker loads only
 * when a PDF is asked for; and leaving out the parts of zod that its namespace export drags in although
 * nothing here calls them (see ZOD_UNUSED). wrangler then uploads the output as it is (`no_bundle`, see
 * wrangler.toml).
 *
 *   tsx scripts/build-worker.ts [--outdir dist/worker] [--metafile] [--entry src/index.ts]
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Plugin } from 'esbuild';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const { values } = parseArgs({
  options: {
    outdir: { type: 'string', default: 'dist/worker' },
    metafile: { type: 'boolean', default: false },
    entry: { type: 'string', default: 'src/index.ts' },
  },
});
const outdir = resolve(ROOT, values.outdir);

/**
 * Modules of zod that `import { z } from 'zod'` keeps alive (a namespace object defeats tree shaking) but
 * that nothing in this app or its libraries calls, each replaced by a stub with the same exports:
 * - the 40-odd translated error-message locales (`z.locales`; English is imported on its own);
 * - `z.compile` and friends, zod 4.6's schema compiler (29 KiB);
 * - `z.fromJSONSchema` (12 KiB).
 * A stubbed function throws, naming itself, instead of failing somewhere obscure. The Workers suite checks
 * that the bundle still validates requests and writes the same OpenAPI document as the source.
 */
const ZOD_UNUSED: { file: RegExp; contents: string }[] = [
  { file: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/, contents: 'export {};' },
  {
    file: /[\\/]zod[\\/]v4[\\/]core[\\/]compile\.js$/,
    contents: `${unavailable('compile', 'withParser', 'compileFn')}
export const INVALID = Symbol.for('zod.compile.invalid');
export class ZodCompileAsyncError extends Error {}
export class ZodCompileUnsupportedError extends Error {}`,
  },
  {
    file: /[\\/]zod[\\/]v4[\\/]classic[\\/]from-json-schema\.js$/,
    contents: unavailable('fromJSONSchema'),
  },
];

function unavailable(...names: string[]): string {
  return names
    .map(
      (name) =>
        `export function ${name}() { throw new Error('zod.${name} is left out of the Worker bundle (scripts/build-worker.ts)'); }`,
    )
    .join('\n');
}

const withoutUnusedZod: Plugin = {
  name: 'without-unused-zod',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]/ }, (args) => {
      const stub = ZOD_UNUSED.find(({ file }) => file.test(args.path));
      return stub ? { contents: stub.contents, loader: 'js' } : undefined;
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: { index: values.entry },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['browser', 'module', 'main'],
  external: ['cloudflare:*', 'node:*'],
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  minify: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  plugins: [withoutUnusedZod],
});
if (values.metafile) writeFileSync(join(outdir, 'metafile.json'), JSON.stringify(result.metafile));
