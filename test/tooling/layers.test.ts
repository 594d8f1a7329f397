/**
 * The source tree's layers, lowest first. A module may import from its own layer and the ones below it,
 * never from above: so the data layer knows nothing of HTTP, and the rules know nothing of either.
 * The README's "Code map" describes the same order.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

const LAYERS: readonly (readonly string[])[] = [
  ['domain/', 'env.ts'],
  ['schemas/'],
  ['db/'],
  ['auth/', 'http/', 'app-env.ts'],
  ['build-pack/', 'step-context/'],
  ['middleware/'],
  ['routes/'],
  ['app.ts', 'index.ts'],
];

function layerOf(file: string): number {
  const index = LAYERS.findIndex((layer) =>
    layer.some((prefix) => file === prefix || file.startsWith(prefix)),
  );
  if (index < 0) throw new Error(`${file} belongs to no layer: add its folder to LAYERS and the Code map`);
  return index;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/** Every relative import of a module, static or dynamic, type-only included, as paths under src/. */
function importsOf(source: string, file: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((match) =>
    relative(SRC, resolve(SRC, dirname(file), match[1] as string)),
  );
}

function layerViolations(files: readonly { file: string; source: string }[]): string[] {
  return files.flatMap(({ file, source }) =>
    importsOf(source, file)
      .filter((target) => !target.startsWith('..'))
      .filter((target) => layerOf(`${target}${target.includes('.') ? '' : '.ts'}`) > layerOf(file))
      .map((target) => `${file} imports ${target}`),
  );
}

describe('source layers', () => {
  const files = sourceFiles(SRC).map((path) => ({
    file: relative(SRC, path),
    source: readFileSync(path, 'utf8'),
  }));

  it('every module under src/ belongs to a layer', () => {
    for (const { file } of files) expect(() => layerOf(file), file).not.toThrow();
  });

  it('no module imports from a layer above its own', () => {
    expect(layerViolations(files)).toEqual([]);
  });

  it('would notice a data-layer module that imports HTTP code', () => {
    const offender = {
      file: 'db/queries/example.ts',
      source: "import { ApiError } from '../../http/api-error';",
    };
    expect(layerViolations([offender])).toEqual(['db/queries/example.ts imports http/api-error']);
  });
});
