import { graphemeTexts } from './graphemes';

export interface StyledText<S> {
  text: string;
  style: S;
}

export type MeasureText<S> = (text: string, style: S) => number;

interface Token<S> extends StyledText<S> {
  isSpace: boolean;
}

interface Piece<S> {
  token: Token<S>;
  width: number;
}

/**
 * The most UTF-16 code units on one line, whatever their width. Ordinary text reaches the margin
 * long before (a full line of the narrowest glyphs is under 200), but zero-width characters do not
 * fill a line, and measuring or drawing text costs more than linear time per call for some runs.
 * Bounding every line bounds every call, so the cost of a document stays linear in its text.
 */
export const MAX_LINE_LENGTH = 512;

/**
 * Greedy word wrap of styled text into lines no wider than `width` and no longer than
 * MAX_LINE_LENGTH. Breaks at spaces (runs of spaces collapse to one, none at line ends); a word too
 * wide or too long for a whole line is cut between graphemes so it never overflows the margin.
 *
 * Lines come out one at a time as the spans are read, so a caller can pause between them. Spans
 * that follow each other without a space are one word: the caller may hand a long text over in
 * slices, and a word cut across lines carries on where the previous slice left it.
 */
export function* wrapStyledText<S>(
  spans: Iterable<StyledText<S>>,
  width: number,
  measure: MeasureText<S>,
): Generator<StyledText<S>[]> {
  let line: Token<S>[] = [];
  let lineWidth = 0;
  let lineLength = 0;
  let pendingSpace: Token<S> | null = null;
  /** The line holds only the last piece of a cut word, which the next slice may continue. */
  let lineIsCutWord = false;

  function* flush() {
    if (line.length > 0) yield mergeSameStyle(line);
    line = [];
    lineWidth = 0;
    lineLength = 0;
    lineIsCutWord = false;
  }

  for (const next of tokenize(spans)) {
    if (next.isSpace) {
      if (line.length > 0) pendingSpace = next;
      continue;
    }
    let token = next;
    const last = line.at(-1);
    if (lineIsCutWord && !pendingSpace && last && last.style === token.style) {
      token = { ...token, text: last.text + token.text };
      line = [];
      lineWidth = 0;
      lineLength = 0;
    }
    // An over-long word is never measured whole: it is cut into pieces first.
    const tokenWidth = token.text.length <= MAX_LINE_LENGTH ? measure(token.text, token.style) : Infinity;
    const spaceWidth = pendingSpace ? measure(pendingSpace.text, pendingSpace.style) : 0;
    const spaceLength = pendingSpace ? pendingSpace.text.length : 0;
    if (
      line.length > 0 &&
      lineWidth + spaceWidth + tokenWidth <= width &&
      lineLength + spaceLength + token.text.length <= MAX_LINE_LENGTH
    ) {
      if (pendingSpace) line.push(pendingSpace);
      line.push(token);
      lineWidth += spaceWidth + tokenWidth;
      lineLength += spaceLength + token.text.length;
      lineIsCutWord = false;
    } else if (tokenWidth <= width) {
      yield* flush();
      line.push(token);
      lineWidth = tokenWidth;
      lineLength = token.text.length;
    } else {
      yield* flush();
      for (const piece of pieces(token, width, measure)) {
        yield* flush();
        line.push(piece.token);
        lineWidth = piece.width;
        lineLength = piece.token.text.length;
      }
      lineIsCutWord = true;
    }
    pendingSpace = null;
  }
  yield* flush();
}

function* tokenize<S>(spans: Iterable<StyledText<S>>): Generator<Token<S>> {
  for (const { text, style } of spans) {
    for (const part of text.split(/( +)/)) {
      if (part.length === 0) continue;
      yield part.startsWith(' ')
        ? { text: ' ', style, isSpace: true }
        : { text: part, style, isSpace: false };
    }
  }
}

/** A word too wide or too long for a line, cut between graphemes into pieces that each fit one. */
function* pieces<S>(token: Token<S>, width: number, measure: MeasureText<S>): Generator<Piece<S>> {
  let text = '';
  let textWidth = 0;
  for (const segment of graphemeTexts(token.text)) {
    const segmentWidth = measure(segment, token.style);
    if (
      text.length > 0 &&
      (textWidth + segmentWidth > width || text.length + segment.length > MAX_LINE_LENGTH)
    ) {
      yield { token: { ...token, text }, width: textWidth };
      text = '';
      textWidth = 0;
    }
    text += segment;
    textWidth += segmentWidth;
  }
  if (text.length > 0) yield { token: { ...token, text }, width: textWidth };
}

function mergeSameStyle<S>(tokens: readonly Token<S>[]): StyledText<S>[] {
  const merged: StyledText<S>[] = [];
  for (const { text, style } of tokens) {
    const last = merged.at(-1);
    if (last && last.style === style) last.text += text;
    else merged.push({ text, style });
  }
  return merged;
}
