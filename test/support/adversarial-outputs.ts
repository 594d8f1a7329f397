/**
 * The largest step outputs a user can store, each as hard on the build-pack renderers as one kind of
 * text can be. Every output fills the step output limit (JSON, UTF-8) and passes the same checks a
 * saved output does. Shared by the rendering tests and the benchmark.
 */
import { findOutputProblem, utf8Length } from '../../src/domain/step-output-rules';
import { STEP_OUTPUT_LIMIT_BYTES } from '../../src/domain/storage-limits';

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
function filledString(bytes: number, unit: string, prefix = ''): Record<string, unknown> {
  const room = bytes - utf8Length(JSON.stringify({ v: prefix }));
  const unitBytes = utf8Length(JSON.stringify(unit)) - 2;
  return { v: prefix + unit.repeat(Math.floor(room / unitBytes)) };
}

/** Adds `make(index)` items to an array until the output would pass the limit. */
function filledArray(limit: number, make: (index: number) => unknown): Record<string, unknown> {
  const items: unknown[] = [];
  let bytes = utf8Length(JSON.stringify({ v: [] }));
  for (let index = 0; ; index++) {
    const item = make(index);
    const itemBytes = utf8Length(JSON.stringify(item)) + 1;
    if (bytes + itemBytes > limit) return { v: items };
    items.push(item);
    bytes += itemBytes;
  }
}

function chain(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let level = 0; level < depth; level++) value = level % 2 === 0 ? { k: value } : [value, 1];
  return value;
}

function tinyKeys(limit: number): Record<string, unknown> {
  const output: Record<string, unknown> = {};
  let bytes = 2;
  for (let index = 0; ; index++) {
    const key = index.toString(36);
    const entryBytes = key.length + 5;
    if (bytes + entryBytes > limit) return output;
    output[key] = 0;
    bytes += entryBytes;
  }
}

const MAKERS: Record<AdversarialKind, (bytes: number) => Record<string, unknown>> = {
  'unbroken-token': (bytes) => filledString(bytes, 'W'),
  'cjk-without-spaces': (bytes) => filledString(bytes, '食品ロス減'),
  'combining-marks': (bytes) => filledString(bytes, '\u0301', 'a'),
  zalgo: (bytes) => filledString(bytes, `Z${'\u0351\u0352\u0353\u0354\u0355\u0316'.repeat(5)}`),
  'rtl-mixed': (bytes) => filledString(bytes, 'שלום(١٢)abcمرحبا[12]'),
  'emoji-zwj': (bytes) => filledString(bytes, '👨‍👩‍👧‍👦🏳️‍🌈👍🏽🇬🇧'),
  'hangul-jamo': (bytes) => filledString(bytes, '\u1100'),
  'deep-nesting': (bytes) => filledArray(bytes, (index) => chain(DEEPEST, `leaf ${index}`)),
  'many-tiny-keys': tinyKeys,
  'many-short-lines': (bytes) => filledString(bytes, 'x\n'),
};

/** The output of `kind` filling `bytes` of JSON: by default all a step output may hold. */
export function adversarialOutput(
  kind: AdversarialKind,
  bytes: number = STEP_OUTPUT_LIMIT_BYTES,
): Record<string, unknown> {
  const output = MAKERS[kind](bytes);
  const size = utf8Length(JSON.stringify(output));
  const problem = findOutputProblem(output);
  if (size > bytes || size > STEP_OUTPUT_LIMIT_BYTES || problem)
    throw new Error(`${kind}: not storable (${size} bytes, ${problem?.message ?? 'no problem'})`);
  return output;
}
