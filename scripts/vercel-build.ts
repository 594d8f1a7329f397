/**
 * Vercel's build command (vercel.json):
 *
 * 1. migrations, then the idempotent seed, against the deployment's database: DATABASE_URL_UNPOOLED
 *    (migrations want a session) or else DATABASE_URL, as Neon's Vercel integration sets them per
 *    environment and per preview branch. During a Vercel build (VERCEL is set) a missing URL fails the
 *    build; elsewhere (a local `vercel build` without a database) the step is skipped with a notice.
 * 2. the app (src/index.ts, `export default app`) bundled by esbuild into ONE ESM file, written as Vercel
 *    Build Output API v3 (.vercel/output): one Node.js function for every path that is not a static file,
 *    and public/ as static files — the same layout Vercel's zero-config Hono preset produces.
 *
 * Why not the zero-config preset itself: it transpiles file by file and keeps extensionless relative
 * imports (`./app`), which Node's ESM loader cannot resolve at run time (vercel/vercel#14910); it also
 * type-checks with the project's tsconfig through a temporary config that cannot resolve `types`.
 * One bundle sidesteps both and cold-starts faster.
 */
import { cpSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { migrateAndSeed } from './local-stack/migrate';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
/**
 * Node majors of Vercel's Node.js runtime this bundle is offered to (Node 20 reached end of life in
 * 2026-04). The function runs on the major the build ran on (on Vercel: the project's Node.js setting),
 * raised to the oldest offered one; the bundle itself only needs Node 20.
 */
const VERCEL_NODE_MAJORS = [22, 24];
/** Files in public/ that exist for git or wrangler, not for visitors. */
const NOT_STATIC = new Set(['.gitkeep', '.assetsignore']);

export interface VercelOutputOptions {
  /** Where the Build Output API tree goes; default .vercel/output under the project root. */
  outputDir?: string;
  entry?: string;
  nodeMajor?: number;
}

export interface VercelOutput {
  outputDir: string;
  functionDir: string;
  bundlePath: string;
  bundleBytes: number;
  runtime: string;
}

export function vercelRuntime(nodeMajor: number): string {
  const offered = VERCEL_NODE_MAJORS.filter((major) => major <= nodeMajor);
  return `nodejs${offered.at(-1) ?? VERCEL_NODE_MAJORS[0]}.x`;
}

/** Writes .vercel/output: config.json, functions/index.func (bundle + .vc-config.json), static/ from public/. */
export async function buildVercelOutput(options: VercelOutputOptions = {}): Promise<VercelOutput> {
  const outputDir = options.outputDir ?? join(ROOT, '.vercel', 'output');
  const functionDir = join(outputDir, 'functions', 'index.func');
  const bundlePath = join(functionDir, 'index.mjs');
  const runtime = vercelRuntime(options.nodeMajor ?? Number(process.versions.node.split('.')[0]));

  rmSync(outputDir, { recursive: true, force: true });
  mkdirSync(functionDir, { recursive: true });

  await build({
    entryPoints: [options.entry ?? join(ROOT, 'src', 'index.ts')],
    outfile: bundlePath,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
    // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
    },
  });
  writeFileSync(join(functionDir, 'package.json'), `${JSON.stringify({ type: 'module' }, null, 2)}\n`);
  writeFileSync(
    join(functionDir, '.vc-config.json'),
    `${JSON.stringify(
      {
        runtime,
        handler: 'index.mjs',
        launcherType: 'Nodejs',
        shouldAddHelpers: true,
        shouldAddSourcemapSupport: true,
        supportsResponseStreaming: true,
        framework: { slug: 'hono' },
      },
      null,
      2,
    )}\n`,
  );

  const publicDir = join(ROOT, 'public');
  const staticDir = join(outputDir, 'static');
  mkdirSync(staticDir, { recursive: true });
  if (existsSync(publicDir)) {
    cpSync(publicDir, staticDir, {
      recursive: true,
      filter: (source) => !NOT_STATIC.has(source.slice(source.lastIndexOf('/') + 1)),
    });
  }

  // Static files first, then everything else to the one function, with the request path kept as it was.
  const config = {
    version: 3,
    routes: [
      { handle: 'filesystem' },
      { src: '/(.*)', dest: '/', transforms: [{ type: 'request.path', op: 'set', args: '/$1' }] },
    ],
  };
  writeFileSync(join(outputDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  return { outputDir, functionDir, bundlePath, bundleBytes: statSync(bundlePath).size, runtime };
}

async function migrate(): Promise<void> {
  const onVercel = Boolean(process.env.VERCEL);
  const source = process.env.DATABASE_URL_UNPOOLED ? 'DATABASE_URL_UNPOOLED' : 'DATABASE_URL';
  const url = process.env.DATABASE_URL_UNPOOLED ?? process.env.DATABASE_URL;
  const environment = process.env.VERCEL_ENV ?? 'local';
  if (!url) {
    if (onVercel) {
      throw new Error(
        `neither DATABASE_URL_UNPOOLED nor DATABASE_URL is set for the ${environment} environment. ` +
          'Connect the Neon integration (or add the variables in Project Settings → Environment Variables) and redeploy.',
      );
    }
    console.log(
      'vercel-build: [1/2] no DATABASE_URL_UNPOOLED or DATABASE_URL outside Vercel; migrations skipped',
    );
    return;
  }
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    throw new Error(`${source} is not a URL`);
  }
  const started = performance.now();
  console.log(`vercel-build: [1/2] migrating ${host} (${source}, ${environment})`);
  const { seeded } = await migrateAndSeed(url);
  const ms = Math.round(performance.now() - started);
  console.log(
    `vercel-build:       migrations applied, seed inserted ${seeded} missing step definition(s) in ${ms} ms`,
  );
}

async function main(): Promise<void> {
  await migrate();
  const started = performance.now();
  const output = await buildVercelOutput();
  console.log(
    `vercel-build: [2/2] bundled src/index.ts → ${output.bundlePath.slice(ROOT.length + 1)} ` +
      `(${(output.bundleBytes / 1024).toFixed(0)} KiB, ${output.runtime}) in ${Math.round(performance.now() - started)} ms`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(`vercel-build: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
