/**
 * Stand-ins for library code the Worker bundle leaves out (scripts/build-worker.ts): a stub module keeps
 * the exports of the one it replaces, and calling one of them (or `new`) throws, naming it, instead of
 * failing somewhere obscure.
 */
import { readFileSync } from 'node:fs';

const THROWER = `const leftOut = (name) => function () {
  throw new Error(name + ' is left out of the Worker bundle (scripts/build-worker.ts)');
};`;

/**
 * A module exporting each of `names` as a function that throws; `label` prefixes the name in its message.
 * Each of `factories` is exported as a function that returns such a thrower instead: for a factory that
 * the library calls eagerly, although nobody calls what it makes.
 */
export function unavailable(names: readonly string[], label = '', factories: readonly string[] = []): string {
  const message = (name: string) => JSON.stringify(`${label}${name}`);
  return [
    THROWER,
    ...names.map((name) => `export const ${name} = leftOut(${message(name)});`),
    ...factories.map((name) => `export const ${name} = () => leftOut(${message(name)});`),
  ].join('\n');
}

/** The names an ES module exports by declaration or by `export { a as b }` (not re-exports from others). */
export function exportedNames(path: string): string[] {
  const source = readFileSync(path, 'utf8');
  const declared = [...source.matchAll(/^export (?:async )?(?:function\*?|const|let|var|class) (\w+)/gm)];
  const listed = [...source.matchAll(/^export \{([^}]*)\};?$/gm)].flatMap(([, list = '']) =>
    list
      .split(',')
      .map(
        (item) =>
          item
            .trim()
            .split(/\s+as\s+/)
            .pop() ?? '',
      )
      .filter(Boolean),
  );
  return [...declared.map(([, name = '']) => name), ...listed];
}
