export interface StyledText<S> {
  text: string;
  style: S;
}

export type MeasureText<S> = (text: string, style: S) => number;

interface Token<S> extends StyledText<S> {
  isSpace: boolean;
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Greedy word wrap of styled text into lines no wider than `width`. Breaks at spaces (runs of
 * spaces collapse to one, none at line ends); a word wider than a whole line is cut between
 * graphemes so it never overflows the margin.
 */
export function wrapStyledText<S>(
  spans: readonly StyledText<S>[],
  width: number,
  measure: MeasureText<S>,
): StyledText<S>[][] {
  const lines: Token<S>[][] = [];
  let line: Token<S>[] = [];
  let lineWidth = 0;
  let pendingSpace: Token<S> | null = null;

  const flush = () => {
    if (line.length > 0) lines.push(line);
    line = [];
    lineWidth = 0;
  };

  for (const token of tokenize(spans)) {
    if (token.isSpace) {
      if (line.length > 0) pendingSpace = token;
      continue;
    }
    const tokenWidth = measure(token.text, token.style);
    const spaceWidth = pendingSpace ? measure(pendingSpace.text, pendingSpace.style) : 0;
    if (line.length > 0 && lineWidth + spaceWidth + tokenWidth <= width) {
      if (pendingSpace) line.push(pendingSpace);
      line.push(token);
      lineWidth += spaceWidth + tokenWidth;
    } else {
      flush();
      for (const piece of pieces(token, tokenWidth, width, measure)) {
        flush();
        line.push(piece.token);
        lineWidth = piece.width;
      }
    }
    pendingSpace = null;
  }
  flush();
  return lines.map(mergeSameStyle);
}

function tokenize<S>(spans: readonly StyledText<S>[]): Token<S>[] {
  return spans.flatMap(({ text, style }) =>
    text
      .split(/( +)/)
      .filter((part) => part.length > 0)
      .map((part) =>
        part.startsWith(' ') ? { text: ' ', style, isSpace: true } : { text: part, style, isSpace: false },
      ),
  );
}

function pieces<S>(
  token: Token<S>,
  tokenWidth: number,
  width: number,
  measure: MeasureText<S>,
): Array<{ token: Token<S>; width: number }> {
  if (tokenWidth <= width) return [{ token, width: tokenWidth }];
  const result: Array<{ token: Token<S>; width: number }> = [];
  let text = '';
  let textWidth = 0;
  for (const { segment } of graphemes.segment(token.text)) {
    const segmentWidth = measure(segment, token.style);
    if (text.length > 0 && textWidth + segmentWidth > width) {
      result.push({ token: { ...token, text }, width: textWidth });
      text = '';
      textWidth = 0;
    }
    text += segment;
    textWidth += segmentWidth;
  }
  if (text.length > 0) result.push({ token: { ...token, text }, width: textWidth });
  return result;
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
