// Runs as the project's postinstall: copies browser assets the app serves itself out of node_modules into
// public/ (git-ignored output), which Cloudflare, Vercel and the Node dev server all serve as static files.
// Scalar's standalone bundle is MBs: it must never end up in the Worker bundle, and the docs page must not
// load it from a CDN.
import { copyFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

const ASSETS = [
  {
    packageName: '@scalar/api-reference',
    // The package's entry is dist/index.js; the browser bundle sits beside it.
    fromEntry: './browser/standalone.js',
    to: 'public/assets/scalar/standalone.js',
  },
];

function sourceOf(asset) {
  let entry;
  try {
    entry = import.meta.resolve(asset.packageName);
  } catch (error) {
    throw new Error(`${asset.packageName} is not installed (${error.message}); run npm install`);
  }
  const source = fileURLToPath(new URL(asset.fromEntry, entry));
  try {
    if (!statSync(source).isFile()) throw new Error('not a file');
  } catch {
    throw new Error(`${asset.packageName} has no ${asset.fromEntry} next to its entry (${entry})`);
  }
  return source;
}

try {
  for (const asset of ASSETS) {
    const source = sourceOf(asset);
    const target = join(projectRoot, asset.to);
    mkdirSync(dirname(target), { recursive: true });
    // Copy then rename, so a server reading the file never sees half of it.
    const partial = `${target}.partial`;
    copyFileSync(source, partial);
    renameSync(partial, target);
    const kib = Math.round(statSync(target).size / 1024);
    console.log(`copy-static-assets: ${relative(projectRoot, source)} → ${asset.to} (${kib} KiB)`);
  }
} catch (error) {
  console.error(`copy-static-assets: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
