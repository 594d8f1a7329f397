/**
 * The Worker's bundle, built here rather than by wrangler for what wrangler's bundler cannot do: code
 * splitting, so the PDF renderer and its fonts become a module of their own that the Worker loads only when
 * a PDF is asked for; leaving out library code that is dragged in although nothing here calls it (see
 * UNUSED); and an OpenAPI document generated now, from the same source, in place of the generator (see
 * scripts/prebuilt-openapi.ts). wrangler then uploads the output as it is (`no_bundle`, see
 * wrangler.toml).
 *
 *   tsx scripts/build-worker.ts [--outdir dist/worker] [--metafile] [--entry src/index.ts] [--runtime-openapi]
 *
 * --runtime-openapi keeps the generator, for an entry that writes its document at runtime (the dependency
 * floor of scripts/bundle-size.ts).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Plugin } from 'esbuild';
import { prebuiltOpenApi } from './prebuilt-openapi';
import { unavailable } from './worker-stubs';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const { values } = parseArgs({
  options: {
    outdir: { type: 'string', default: 'dist/worker' },
    metafile: { type: 'boolean', default: false },
    entry: { type: 'string', default: 'src/index.ts' },
    'runtime-openapi': { type: 'boolean', default: false },
  },
});
const outdir = resolve(ROOT, values.outdir);

/**
 * Library modules that something keeps alive although nothing in this app or its libraries calls them,
 * each replaced by a stub with the same exports. From zod, which `import { z } from 'zod'` keeps whole
 * (a namespace object defeats tree shaking):
 * - the 40-odd translated error-message locales (`z.locales`; English is imported on its own);
 * - `z.compile` and friends, zod 4.6's schema compiler (29 KiB);
 * - `z.fromJSONSchema` (12 KiB).
 * From drizzle: the builders of every column type (point, line, PostGIS, vectors, …, 9 KiB), which a table
 * declared with a callback receives; src/db/schema.ts lists its columns as an object, so a callback table
 * would fail loudly, at start-up.
 * A stubbed function throws, naming itself, instead of failing somewhere obscure. The Workers suite checks
 * that the bundle still boots, validates requests and writes the same OpenAPI document as the source.
 */
const UNUSED: { file: RegExp; contents: string }[] = [
  { file: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/, contents: 'export {};' },
  {
    file: /[\\/]zod[\\/]v4[\\/]core[\\/]compile\.js$/,
    contents: `${unavailable(['compile', 'withParser', 'compileFn'], 'zod.')}
export const INVALID = Symbol.for('zod.compile.invalid');
export class ZodCompileAsyncError extends Error {}
export class ZodCompileUnsupportedError extends Error {}`,
  },
  {
    file: /[\\/]zod[\\/]v4[\\/]classic[\\/]from-json-schema\.js$/,
    contents: unavailable(['fromJSONSchema'], 'zod.'),
  },
  {
    file: /[\\/]drizzle-orm[\\/]pg-core[\\/]columns[\\/]all\.js$/,
    contents: unavailable(['getPgColumnBuilders'], 'drizzle-orm '),
  },
];

const withoutUnusedLibraryCode: Plugin = {
  name: 'without-unused-library-code',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]node_modules[\\/]/ }, (args) => {
      const stub = UNUSED.find(({ file }) => file.test(args.path));
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
  plugins: values['runtime-openapi']
    ? [withoutUnusedLibraryCode]
    : [withoutUnusedLibraryCode, await prebuiltOpenApi()],
});
if (values.metafile) writeFileSync(join(outdir, 'metafile.json'), JSON.stringify(result.metafile));
