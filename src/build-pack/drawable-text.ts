import { type Grapheme, graphemesOf } from './graphemes';

/** Whether the font has a glyph for a code point. */
export type GlyphCoverage = (codePoint: number) => boolean;

/**
 * U+FFFD is Unicode's own "this character could not be shown" sign, DejaVu Sans has it in both
 * weights, and copying it out of the PDF yields a character every tool recognises as a stand-in.
 */
export const PLACEHOLDER = '\uFFFD';

const LINE_BREAKS_AND_TABS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
const CONTROL = /\p{Cc}/u;
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u;
/**
 * More combining marks in a row than Unicode's stream-safe text format allows (30). Normalising
 * such a run reorders it in quadratic time, so text containing one is normalised cluster by cluster.
 */
const LONG_MARK_RUN = /\p{M}{31}/u;

/**
 * Makes text safe to draw with one font: every user-perceived character (grapheme) the font cannot
 * draw becomes one placeholder, so an emoji sequence or a lone surrogate never turns into several
 * marks or a broken glyph. Invisible format characters the font lacks are dropped, not replaced.
 * Line breaks and tabs become spaces: callers split lines before this point.
 */
export function drawableText(text: string, covers: GlyphCoverage): string {
  const flat = text.replace(LINE_BREAKS_AND_TABS, ' ');
  const normalisedWhole = !LONG_MARK_RUN.test(flat);
  const normalised = normalisedWhole ? flat.normalize('NFC') : flat;
  // Grapheme segmentation is slow; most text is entirely drawable and can skip it.
  if (normalisedWhole && isEntirelyDrawable(normalised, covers)) return normalised;
  let result = '';
  for (const grapheme of graphemesOf(normalised)) {
    result += grapheme.piece
      ? overlongPiece(grapheme)
      : drawableGrapheme(normalisedWhole ? grapheme.segment : grapheme.segment.normalize('NFC'), covers);
  }
  return result;
}

/** A cluster too long to be a real character is drawn as one placeholder. */
function overlongPiece(grapheme: Grapheme): string {
  return grapheme.piece === 'first' ? PLACEHOLDER : '';
}

function isEntirelyDrawable(text: string, covers: GlyphCoverage): boolean {
  if (CONTROL.test(text)) return false;
  for (const character of text) {
    if (!covers(character.codePointAt(0) ?? 0)) return false;
  }
  return true;
}

function drawableGrapheme(grapheme: string, covers: GlyphCoverage): string {
  let kept = '';
  for (const character of grapheme) {
    const codePoint = character.codePointAt(0) ?? 0;
    if (CONTROL.test(character)) return PLACEHOLDER;
    if (covers(codePoint)) kept += character;
    else if (!IGNORABLE.test(character)) return PLACEHOLDER;
  }
  return kept;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]$/;

/** Last resort for text the shaper rejected: keeps printable ASCII, replaces every other grapheme. */
export function asciiOrPlaceholders(text: string): string {
  let result = '';
  for (const grapheme of graphemesOf(text)) {
    if (grapheme.piece) result += overlongPiece(grapheme);
    else result += PRINTABLE_ASCII.test(grapheme.segment) ? grapheme.segment : PLACEHOLDER;
  }
  return result;
}
