/**
 * The largest step outputs a user can store, each as hard on the build-pack renderers as one kind of
 * text can be. Every output fills the step output limit (JSON, UTF-8) and passes the same checks a
 * saved output does. Shared by the rendering tests and the benchmark.
 */
import { findOutputProblem, utf8Length } from '../../src/lib/json-output';
import { STEP_OUTPUT_LIMIT_BYTES } from '../../src/middleware/body-limit';

export const ADVERSARIAL_KINDS = [
  'unbroken-token',
  'cjk-without-spaces',
  'combining-marks',
  'zalgo',
  'rtl-mixed',
  'emoji-zwj',
  'hangul-jamo',
  'deep-nesting',
  'many-tiny-keys',
  'many-short-lines',
] as const;
export type AdversarialKind = (typeof ADVERSARIAL_KINDS)[number];

const DEEPEST = 60;

/** As many repetitions of `unit` as fit in one string value of a one-key output. */
function filledString(unit: string, prefix = ''): Record<string, unknown> {
  const room = STEP_OUTPUT_LIMIT_BYTES - utf8Length(JSON.stringify({ v: prefix }));
  const unitBytes = utf8Length(JSON.stringify(unit)) - 2;
  return { v: prefix + unit.repeat(Math.floor(room / unitBytes)) };
}

/** Adds `make(index)` items to an array until the output would pass the limit. */
function filledArray(make: (index: number) => unknown): Record<string, unknown> {
  const items: unknown[] = [];
  let bytes = utf8Length(JSON.stringify({ v: [] }));
  for (let index = 0; ; index++) {
    const item = make(index);
    const itemBytes = utf8Length(JSON.stringify(item)) + 1;
    if (bytes + itemBytes > STEP_OUTPUT_LIMIT_BYTES) return { v: items };
    items.push(item);
    bytes += itemBytes;
  }
}

function chain(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let level = 0; level < depth; level++) value = level % 2 === 0 ? { k: value } : [value, 1];
  return value;
}

function tinyKeys(): Record<string, unknown> {
  const output: Record<string, unknown> = {};
  let bytes = 2;
  for (let index = 0; ; index++) {
    const key = index.toString(36);
    const entryBytes = key.length + 5;
    if (bytes + entryBytes > STEP_OUTPUT_LIMIT_BYTES) return output;
    output[key] = 0;
    bytes += entryBytes;
  }
}

const MAKERS: Record<AdversarialKind, () => Record<string, unknown>> = {
  'unbroken-token': () => filledString('W'),
  'cjk-without-spaces': () => filledString('食品ロス減'),
  'combining-marks': () => filledString('\u0301', 'a'),
  zalgo: () => filledString(`Z${'\u0351\u0352\u0353\u0354\u0355\u0316'.repeat(5)}`),
  'rtl-mixed': () => filledString('שלום(١٢)abcمرحبا[12]'),
  'emoji-zwj': () => filledString('👨‍👩‍👧‍👦🏳️‍🌈👍🏽🇬🇧'),
  'hangul-jamo': () => filledString('\u1100'),
  'deep-nesting': () => filledArray((index) => chain(DEEPEST, `leaf ${index}`)),
  'many-tiny-keys': tinyKeys,
  'many-short-lines': () => filledString('x\n'),
};

export function adversarialOutput(kind: AdversarialKind): Record<string, unknown> {
  const output = MAKERS[kind]();
  const bytes = utf8Length(JSON.stringify(output));
  const problem = findOutputProblem(output);
  if (bytes > STEP_OUTPUT_LIMIT_BYTES || problem)
    throw new Error(`${kind}: not storable (${bytes} bytes, ${problem?.message ?? 'no problem'})`);
  return output;
}
