/**
 * The 32-bit FNV-1a tag that rendered build packs (and step definitions) once carried, and a way to forge
 * inputs that collide under it: the attack the SHA-256 tags and resource-bound cache keys now prevent.
 */
const OFFSET_BASIS = 0x811c9dc5;
const PRIME = 0x01000193;
/** PRIME × PRIME_INVERSE ≡ 1 (mod 2³²): each FNV-1a step can be undone. */
const PRIME_INVERSE = 0x359c449b;
/** The old tag XORed this after each part; it hashed a single part, JSON.stringify(row). */
const PART_END = 0x1f;

const forward = (state: number, text: string) => {
  let hash = state;
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), PRIME) >>> 0;
  }
  return hash;
};

const backward = (state: number, text: string) => {
  let hash = state;
  for (let index = text.length - 1; index >= 0; index--) {
    hash = (Math.imul(hash, PRIME_INVERSE) >>> 0) ^ text.charCodeAt(index);
  }
  return hash >>> 0;
};

/** The hash behind the old `contentTag(prefix, [text])`. */
export const oldContentHash = (text: string): number => (forward(OFFSET_BASIS, text) ^ PART_END) >>> 0;

/** CJK ideographs: printable, never escaped by JSON.stringify, and plentiful. */
const CJK_FIRST = 0x4e00;
const CJK_LAST = 0x9fff;

const usableInJsonString = (code: number) =>
  code >= 0x20 && code !== 0x22 && code !== 0x5c && (code < 0xd800 || code > 0xdfff);

/**
 * Three characters that, placed between `prefix` and `suffix`, make the old hash of the whole equal to
 * `target`. Meet in the middle: two characters walk forward from the prefix, the third is solved for,
 * which takes about 2¹⁶ tries.
 */
export function forgeOldHashInfix(prefix: string, suffix: string, target: number): string {
  const afterPrefix = forward(OFFSET_BASIS, prefix);
  const beforeSuffix = backward((target ^ PART_END) >>> 0, suffix);
  const beforeLast = Math.imul(beforeSuffix, PRIME_INVERSE) >>> 0;
  for (let first = CJK_FIRST; first <= CJK_LAST; first++) {
    const afterFirst = Math.imul(afterPrefix ^ first, PRIME) >>> 0;
    for (let second = CJK_FIRST; second <= CJK_LAST; second++) {
      const afterSecond = Math.imul(afterFirst ^ second, PRIME) >>> 0;
      const last = (afterSecond ^ beforeLast) >>> 0;
      if (last <= 0xffff && usableInJsonString(last)) return String.fromCharCode(first, second, last);
    }
  }
  throw new Error('no three-character infix found');
}
