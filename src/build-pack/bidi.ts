import { graphemeTexts } from './graphemes';

/**
 * A deliberately small subset of the Unicode Bidirectional Algorithm (UAX #9): enough for Hebrew
 * and Arabic words and numbers mixed with left-to-right text on one line. It resolves levels for
 * strong letters, digits and neutrals (rules W1, W2/W7 in spirit, N1, N2, I1, I2) and reorders runs
 * (L2), and mirrors common brackets in right-to-left runs (L4). Explicit embeddings and isolates are
 * not handled; such text still renders, only perhaps in a less natural order.
 */
export type Direction = 'ltr' | 'rtl';

export interface StyledRun<S> {
  text: string;
  style: S;
}

type BidiClass = 'L' | 'R' | 'EN' | 'NSM' | 'N';

/** The scripts fontkit lays out right to left (it reverses their glyphs itself). */
const RTL_SCRIPT =
  /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Cypriot}\p{Script=Kharoshthi}\p{Script=Phoenician}\p{Script=Lydian}\p{Script=Avestan}\p{Script=Imperial_Aramaic}\p{Script=Inscriptional_Pahlavi}\p{Script=Inscriptional_Parthian}\p{Script=Old_South_Arabian}\p{Script=Old_North_Arabian}\p{Script=Old_Turkic}\p{Script=Meroitic_Cursive}\p{Script=Meroitic_Hieroglyphs}\p{Script=Manichaean}\p{Script=Mende_Kikakui}\p{Script=Nabataean}\p{Script=Palmyrene}\p{Script=Psalter_Pahlavi}]/u;
const NEUTRAL_SCRIPT = /[\p{Script=Common}\p{Script=Inherited}\p{Script=Unknown}]/u;
const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;
const MARK = /\p{M}/u;
const MIRRORED: Record<string, string> = {
  '(': ')',
  ')': '(',
  '[': ']',
  ']': '[',
  '{': '}',
  '}': '{',
  '<': '>',
  '>': '<',
  '«': '»',
  '»': '«',
  '‹': '›',
  '›': '‹',
};
const MIRRORABLE = /[()[\]{}<>«»‹›]/g;

function bidiClass(character: string): BidiClass {
  if (MARK.test(character)) return 'NSM';
  if (DIGIT.test(character)) return 'EN';
  if (LETTER.test(character)) return RTL_SCRIPT.test(character) ? 'R' : 'L';
  return 'N';
}

/** Paragraph direction from its first strong letter (rules P2, P3); left to right if it has none. */
export function baseDirection(text: string): Direction {
  return strongDirection(text) ?? 'ltr';
}

/**
 * The direction of the first strong letter in `text` that counts: by default every letter, or only
 * those `counts` accepts (e.g. letters the font can draw, as others are drawn as placeholders).
 */
export function strongDirection(
  text: string,
  counts: (codePoint: number) => boolean = () => true,
): Direction | undefined {
  for (const character of text) {
    const type = bidiClass(character);
    if ((type === 'L' || type === 'R') && counts(character.codePointAt(0) ?? 0))
      return type === 'L' ? 'ltr' : 'rtl';
  }
  return undefined;
}

/** Mirrors fontkit: the first character of a specific script decides the direction of a whole run. */
function fontkitDirection(text: string): Direction {
  for (const character of text) {
    if (!NEUTRAL_SCRIPT.test(character)) return RTL_SCRIPT.test(character) ? 'rtl' : 'ltr';
  }
  return 'ltr';
}

function resolveClasses(characters: readonly string[], base: Direction): Array<'L' | 'R' | 'EN'> {
  const types: BidiClass[] = [];
  let previous: BidiClass = base === 'rtl' ? 'R' : 'L';
  let lastStrong: 'L' | 'R' = previous === 'R' ? 'R' : 'L';
  for (const character of characters) {
    let type = bidiClass(character);
    if (type === 'NSM') type = previous;
    if (type === 'EN' && lastStrong === 'L') type = 'L';
    if (type === 'L' || type === 'R') lastStrong = type;
    types.push(type);
    previous = type;
  }
  const edge: 'L' | 'R' = base === 'rtl' ? 'R' : 'L';
  const resolved: Array<'L' | 'R' | 'EN'> = [];
  let index = 0;
  while (index < types.length) {
    const type = types[index];
    if (type === 'L' || type === 'R' || type === 'EN') {
      resolved.push(type);
      index++;
      continue;
    }
    let end = index;
    while (end < types.length && (types[end] === 'N' || types[end] === 'NSM')) end++;
    const before = index === 0 ? edge : strength(resolved[index - 1]);
    const after = end === types.length ? edge : strength(types[end]);
    const direction = before === after ? before : edge;
    for (; index < end; index++) resolved.push(direction);
  }
  return resolved;
}

/** Numbers act as right-to-left for the neutrals around them (rule N1). */
function strength(type: BidiClass | undefined): 'L' | 'R' {
  return type === 'L' ? 'L' : 'R';
}

function levelOf(type: 'L' | 'R' | 'EN', base: Direction): number {
  if (base === 'ltr') return type === 'L' ? 0 : type === 'R' ? 1 : 2;
  return type === 'R' ? 1 : 2;
}

interface LeveledRun<S> extends StyledRun<S> {
  level: number;
}

/**
 * Splits one line of styled runs (in logical order) into runs of one direction and style, and
 * returns them in visual order, left to right. Each returned run keeps its characters in logical
 * order when fontkit will reverse it, so it can be drawn as is.
 */
export function visualOrder<S>(line: readonly StyledRun<S>[], base: Direction): StyledRun<S>[] {
  const characters = line.flatMap((run) =>
    Array.from(run.text, (character) => ({ character, style: run.style })),
  );
  const levels = resolveClasses(
    characters.map(({ character }) => character),
    base,
  ).map((type) => levelOf(type, base));

  const runs: LeveledRun<S>[] = [];
  characters.forEach(({ character, style }, index) => {
    const level = levels[index] ?? 0;
    const last = runs.at(-1);
    if (last && last.level === level && last.style === style) last.text += character;
    else runs.push({ text: character, style, level });
  });

  const maxLevel = Math.max(0, ...runs.map((run) => run.level));
  const minOddLevel = runs.reduce(
    (min, run) => (run.level % 2 === 1 ? Math.min(min, run.level) : min),
    Infinity,
  );
  for (let level = maxLevel; level >= minOddLevel; level--) reverseRunsAtOrAbove(runs, level);

  return runs.map(({ text, style, level }) => {
    const direction: Direction = level % 2 === 1 ? 'rtl' : 'ltr';
    const mirrored =
      direction === 'rtl' ? text.replace(MIRRORABLE, (bracket) => MIRRORED[bracket] ?? bracket) : text;
    return { text: drawableInDirection(mirrored, direction), style };
  });
}

/**
 * fontkit reverses runs it detects as right to left. A right-to-left run without right-to-left
 * letters (only neutrals) is reversed here by grapheme; a left-to-right run fontkit would take for
 * right to left (Arabic-Indic digits) is pre-reversed by code point so fontkit's reversal undoes it.
 */
function drawableInDirection(text: string, wanted: Direction): string {
  const detected = fontkitDirection(text);
  if (detected === wanted) return text;
  if (wanted === 'rtl') return Array.from(graphemeTexts(text)).reverse().join('');
  return Array.from(text).reverse().join('');
}

function reverseRunsAtOrAbove<S>(runs: LeveledRun<S>[], level: number): void {
  let index = 0;
  while (index < runs.length) {
    if ((runs[index]?.level ?? 0) < level) {
      index++;
      continue;
    }
    let end = index;
    while (end < runs.length && (runs[end]?.level ?? 0) >= level) end++;
    const reversed = runs.slice(index, end).reverse();
    runs.splice(index, reversed.length, ...reversed);
    index = end;
  }
}
