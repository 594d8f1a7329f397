/**
 * The Worker's bundle, built here rather than by wrangler for two things wrangler's bundler cannot do:
 * code splitting, so the PDF renderer and its fonts become a module of their own that the Worker loads only
 * when a PDF is asked for; and leaving out zod's 40-odd translated error-message locales, which zod's
 * namespace export drags in although only English is used. wrangler then uploads the output as it is
 * (`no_bundle`, see wrangler.toml).
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

/** zod re-exports every locale as `z.locales`; nothing here reads it, and English is imported on its own. */
const withoutZodLocales: Plugin = {
  name: 'without-zod-locales',
  setup(builder) {
    builder.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer)
        ? { path: 'zod-locales', namespace: 'without-zod-locales' }
        : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'without-zod-locales' }, () => ({
      contents: 'export {};',
      loader: 'js',
    }));
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
  plugins: [withoutZodLocales],
});
if (values.metafile) writeFileSync(join(outdir, 'metafile.json'), JSON.stringify(result.metafile));
