/**
 * fast-check arbitraries derived from a route's JSON Schema (as published in /api/openapi.json): bodies of
 * the valid shape, and the same bodies mutated (wrong types, extra and missing keys, huge strings, hostile
 * Unicode, nulls, nested junk, broken JSON text, numbers JSON cannot carry). The generator never looks at
 * the zod schema: whether a body is valid is decided separately, by the oracle.
 */
import fc from 'fast-check';

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
}

export type Components = Readonly<Record<string, JsonSchema>>;

/** A body as sent: its text, and how it was made (for reports). */
export interface FuzzBody {
  kind: string;
  text: string;
}

export function resolve(schema: JsonSchema, components: Components): JsonSchema {
  let current = schema;
  for (let depth = 0; current.$ref && depth < 10; depth++) {
    const name = current.$ref.replace('#/components/schemas/', '');
    const target = components[name];
    if (!target) throw new Error(`unresolvable $ref ${current.$ref}`);
    current = { ...target, ...Object.fromEntries(Object.entries(current).filter(([key]) => key !== '$ref')) };
  }
  return current;
}

/** Strings people paste: scripts, bidi text, emoji sequences, markup, injection attempts. */
export const TRICKY_STRINGS: readonly string[] = [
  '👩‍👩‍👧‍👦 🧑🏽‍🍳 🏳️‍🌈',
  'تطبيق يخطط الوجبات',
  'אפליקציה\u200f לתכנון',
  'Cafe\u0301 Z\u0324\u0354\u0367\u0311',
  '𝒜𝔅𝕮 𠜎𠜱',
  '\u00a0\u2060\u200b',
  'line\u2028separator\u2029',
  '\ufeffBOM',
  '<script>alert(1)</script>',
  "' or 1=1; drop table workshops;--",
  '%00%2e%2e%2f',
  '\\u0000 (escaped, not a NUL)',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template a careless server might evaluate
  '${process.env.DATABASE_URL}',
  '{{constructor.constructor("x")()}}',
];

/** Strings a sane client never sends: NUL, lone surrogates, controls, non-characters, bidi overrides. */
export const HOSTILE_STRINGS: readonly string[] = [
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x\udc00y',
  '\udbff\udbff',
  '\u0001\u0002\u001b[31m\u007f',
  '\uffff\ufffe',
  '\u202egnp.exe',
  `a${'\u0301'.repeat(5_000)}`,
  '\r\n\r\nHTTP/1.1 200 OK',
];

const JUNK_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'clerkUserId',
  'id',
  'role',
  'status',
  'createdAt',
  'workshopId',
  '',
  ' ',
  'a\u0000b',
];

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
  const max = schema.maxLength ?? 500;
  const min = schema.minLength ?? 0;
  const small = Math.min(max, 40);
  return fc
    .oneof(
      { weight: 4, arbitrary: fc.string({ minLength: min, maxLength: small, unit: 'grapheme' }) },
      { weight: 3, arbitrary: fc.string({ minLength: min, maxLength: small }) },
      { weight: 1, arbitrary: fc.constantFrom(...TRICKY_STRINGS) },
      { weight: 1, arbitrary: fc.constant('x'.repeat(max)) },
      { weight: 1, arbitrary: fc.constant(`${'é'.repeat(Math.max(0, max - 1))}!`) },
    )
    .filter((value) => value.length >= min && value.length <= max);
}

/** Bodies of the shape the schema describes (not necessarily valid: refinements are not in the schema). */
export function shaped(schema: JsonSchema, components: Components, depth = 0): fc.Arbitrary<unknown> {
  const resolved = resolve(schema, components);
  if (resolved.const !== undefined) return fc.constant(resolved.const);
  if (resolved.enum) return fc.constantFrom(...resolved.enum);
  const variants = resolved.oneOf ?? resolved.anyOf;
  if (variants) return fc.oneof(...variants.map((variant) => shaped(variant, components, depth + 1)));
  const types = Array.isArray(resolved.type) ? resolved.type : resolved.type ? [resolved.type] : [];
  if (types.length > 1) {
    return fc.oneof(...types.map((type) => shaped({ ...resolved, type }, components, depth + 1)));
  }
  switch (types[0]) {
    case 'string':
      return stringArbitrary(resolved);
    case 'integer':
      return fc.integer({ min: resolved.minimum ?? -1_000_000, max: resolved.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(resolved.items ? shaped(resolved.items, components, depth + 1) : fc.jsonValue(), {
        maxLength: Math.min(resolved.maxItems ?? 5, 5),
      });
    default:
      break;
  }
  if (types[0] === 'object' || resolved.properties) {
    const properties = resolved.properties ?? {};
    const names = Object.keys(properties);
    if (names.length === 0 && resolved.additionalProperties !== false) {
      // A free-form object (a step output): any JSON, a little deep, with tricky keys and values.
      return fc.dictionary(
        fc.oneof(fc.string({ maxLength: 12, unit: 'grapheme' }), fc.constantFrom(...TRICKY_STRINGS)),
        fc.oneof(
          { weight: 5, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
          { weight: 1, arbitrary: fc.constantFrom(...TRICKY_STRINGS) },
        ),
        { maxKeys: 8 },
      );
    }
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const name of names) model[name] = shaped(properties[name] ?? {}, components, depth + 1);
    return fc.record(model, { requiredKeys: resolved.required ?? [] });
  }
  return fc.jsonValue({ maxDepth: 3 });
}

/** A JSON value of a type other than what was there. */
const otherType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  fc.string({ maxLength: 20 }),
);

function nest(depth: number, inArray: boolean): string {
  return inArray
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Paths to every object or array inside a value (the root first), a few levels deep. */
function containers(value: unknown, path: (string | number)[] = [], depth = 0): (string | number)[][] {
  if (value === null || typeof value !== 'object' || depth > 3) return [];
  const found: (string | number)[][] = [path];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  for (const [key, item] of entries) found.push(...containers(item, [...path, key], depth + 1));
  return found;
}

function at(root: unknown, path: readonly (string | number)[]): unknown {
  let current = root;
  for (const key of path) current = (current as Record<string | number, unknown>)[key];
  return current;
}

function keysOf(container: unknown): (string | number)[] {
  if (Array.isArray(container)) return container.map((_, index) => index);
  return container !== null && typeof container === 'object' ? Object.keys(container) : [];
}

const PLACEHOLDER = '\u0001__raw__\u0001';

/** Replaces the placeholder value with raw JSON text no JavaScript value serialises to. */
function withRaw(value: unknown, raw: string): string {
  return JSON.stringify(value).replace(JSON.stringify(PLACEHOLDER), () => raw);
}

type Container = Record<string | number, unknown>;

/**
 * A copy of `value` with `change` applied at one place inside it (a key of the root or of a nested
 * object or array, chosen by `pick`); undefined when the value holds no place at all.
 */
function changeAt(
  value: unknown,
  pick: number,
  change: (container: Container, key: string | number) => void,
): unknown {
  const copy = structuredClone(value);
  const places = containers(copy);
  const place = places[pick % Math.max(1, places.length)];
  const container = place === undefined ? undefined : at(copy, place);
  const keys = keysOf(container);
  const key = keys[Math.floor(pick / 7) % Math.max(1, keys.length)];
  if (container === null || typeof container !== 'object' || key === undefined) return undefined;
  change(container as Container, key);
  return copy;
}

/** The mutated body, or `fallback` (the whole body replaced) when there was no place to mutate. */
function mutated(kind: string, result: unknown, fallback: string): FuzzBody {
  return result === undefined
    ? { kind: `${kind} (whole body)`, text: fallback }
    : { kind, text: JSON.stringify(result) };
}

function rawAt(kind: string, value: unknown, pick: number, raw: string): FuzzBody {
  const replaced = changeAt(value, pick, (container, key) => {
    container[key] = PLACEHOLDER;
  });
  return replaced === undefined
    ? { kind: `${kind} (whole body)`, text: raw }
    : { kind, text: withRaw(replaced, raw) };
}

const RAW_NUMBERS = [
  '1e400',
  '-1e400',
  '1e-400',
  '-0',
  '1e308',
  '-1.7976931348623157e308',
  '5e-324',
  '123456789012345678901234567890',
  '0.1e-99999',
];
const HUGE_SIZES = [201, 1_001, 10_001, 20_001, 70_000, 300_000];
const NEST_DEPTHS = [10, 64, 65, 200, 1_000, 10_000];

type Mutation = (value: unknown, pick: number, extra: unknown) => FuzzBody;

/** Every way a body gets mutated; `extra` is an arbitrary junk value chosen by fast-check. */
const MUTATIONS: readonly (readonly [string, Mutation])[] = [
  [
    'wrong type',
    (value, pick, extra) =>
      mutated(
        'wrong type',
        changeAt(value, pick, (container, key) => {
          container[key] = extra;
        }),
        JSON.stringify(extra ?? null),
      ),
  ],
  [
    'extra key',
    (value, pick, extra) => {
      const key = JUNK_KEYS[pick % JUNK_KEYS.length] ?? 'junk';
      const text = JSON.stringify(value);
      // Spliced in as text, so that "__proto__" is an own key, exactly as JSON.parse will make it.
      if (pick % 3 !== 0 && text.startsWith('{')) {
        const rest = text.slice(1);
        return {
          kind: `extra key ${JSON.stringify(key)}`,
          text: `{${JSON.stringify(key)}:${JSON.stringify(extra ?? null)}${rest === '}' ? '' : ','}${rest}`,
        };
      }
      return mutated(
        'extra key (nested)',
        changeAt(value, pick, (container, at) => {
          const inner = container[at];
          if (inner !== null && typeof inner === 'object' && !Array.isArray(inner))
            (inner as Container)[key] = extra;
          else container[at] = { [key]: extra };
        }),
        text,
      );
    },
  ],
  [
    'missing key',
    (value, pick) =>
      mutated(
        'missing key',
        changeAt(value, pick, (container, key) => {
          if (Array.isArray(container)) container.splice(Number(key), 1);
          else delete container[key];
        }),
        '{}',
      ),
  ],
  [
    'null',
    (value, pick) =>
      mutated(
        'null',
        changeAt(value, pick, (container, key) => {
          container[key] = null;
        }),
        'null',
      ),
  ],
  [
    'huge string',
    (value, pick) => {
      const size = HUGE_SIZES[pick % HUGE_SIZES.length] ?? 70_000;
      const huge = 'h'.repeat(size);
      return mutated(
        `huge string (${size})`,
        changeAt(value, pick, (container, key) => {
          container[key] = huge;
        }),
        JSON.stringify(huge),
      );
    },
  ],
  [
    'hostile string',
    (value, pick) => {
      const junk = HOSTILE_STRINGS[pick % HOSTILE_STRINGS.length] ?? '\u0000';
      return mutated(
        'hostile string',
        changeAt(value, pick, (container, key) => {
          const current = container[key];
          container[key] = typeof current === 'string' ? `${current}${junk}` : junk;
        }),
        JSON.stringify(junk),
      );
    },
  ],
  [
    'hostile key',
    (value, pick) => {
      const junk = HOSTILE_STRINGS[pick % HOSTILE_STRINGS.length] ?? '\u0000';
      return mutated(
        'hostile key',
        changeAt(value, pick, (container, key) => {
          if (Array.isArray(container)) return;
          container[`${String(key)}${junk}`] = container[key];
          delete container[key];
        }),
        JSON.stringify({ [junk]: 1 }),
      );
    },
  ],
  [
    'nested junk',
    (value, pick) => {
      const depth = NEST_DEPTHS[pick % NEST_DEPTHS.length] ?? 100;
      return rawAt(`nested ${depth} deep`, value, pick, nest(depth, pick % 2 === 0));
    },
  ],
  [
    'raw number',
    (value, pick) => {
      const raw = RAW_NUMBERS[pick % RAW_NUMBERS.length] ?? '1e400';
      return rawAt(`raw number ${raw}`, value, pick, raw);
    },
  ],
  [
    'not an object',
    (_, pick, extra) => ({ kind: 'not an object', text: JSON.stringify(pick % 5 === 0 ? null : [extra]) }),
  ],
  [
    'broken JSON',
    (value, pick) => {
      const text = JSON.stringify(value);
      const cut = pick % Math.max(1, text.length);
      const breakers = [
        () => text.slice(0, cut),
        () => `${text.slice(0, cut)}\u0000${text.slice(cut)}`,
        () => `${text},`,
        () => `${text}${text}`,
        () => text.replaceAll('"', "'"),
        () => `\ufeff${text}`,
        () => `${text.slice(0, -1)},}`,
        () => `/* comment */${text}`,
        () => 'NaN',
        () => '',
        () => text.replace(':', ': undefined, "x":'),
        () => `${text.slice(0, cut)}\n\t ${text.slice(cut)}`,
      ];
      const index = Math.floor(pick / 3) % breakers.length;
      return { kind: `broken JSON #${index}`, text: (breakers[index] ?? (() => text))() };
    },
  ],
  [
    'duplicate key',
    (value) => {
      const text = JSON.stringify(value);
      const first =
        value !== null && typeof value === 'object' && !Array.isArray(value)
          ? Object.keys(value)[0]
          : undefined;
      if (first === undefined || !text.startsWith('{')) return { kind: 'duplicate key (none)', text };
      return { kind: 'duplicate key', text: `{${JSON.stringify(first)}:{"shadowed":true},${text.slice(1)}` };
    },
  ],
];

export const MUTATION_NAMES: readonly string[] = MUTATIONS.map(([name]) => name);

/**
 * A mix for one route: about a third valid-shaped bodies, the rest mutated, each mutation equally likely.
 */
export function fuzzBodies(schema: JsonSchema, components: Components): fc.Arbitrary<FuzzBody> {
  const valid = shaped(schema, components);
  const mutated = fc
    .tuple(valid, fc.nat({ max: MUTATIONS.length - 1 }), fc.nat(), otherType)
    .map(([value, which, pick, extra]): FuzzBody => {
      const [, mutate] = MUTATIONS[which] ?? MUTATIONS[0] ?? ['none', () => ({ kind: 'none', text: '{}' })];
      return mutate(value, pick, extra);
    });
  return fc.oneof(
    {
      weight: 1,
      arbitrary: valid.map((value): FuzzBody => ({ kind: 'valid shape', text: JSON.stringify(value) })),
    },
    { weight: 2, arbitrary: mutated },
  );
}
