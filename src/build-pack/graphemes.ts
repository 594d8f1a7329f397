/**
 * Grapheme segmentation whose cost is linear in the text. On Node 20, walking `Intl.Segmenter`'s
 * segments costs time proportional to the length of the whole string for every segment, so one
 * unbroken 160,000-character word took 40 s. Here the segmenter only ever sees windows of at most
 * SEGMENTER_WINDOW code units, each starting on a cluster boundary.
 */
export const SEGMENTER_WINDOW = 256;

/**
 * The longest cluster handed on whole. Real characters stay far below it (Unicode's stream-safe text
 * format allows 30 combining marks after a base; the longest emoji sequences are about a dozen code
 * points); only hostile input, such as one letter under thousands of accents, goes beyond it. Font
 * shaping and normalisation are quadratic in the length of such a cluster, so it is cut into pieces.
 */
export const MAX_GRAPHEME_LENGTH = 64;

export interface Grapheme {
  segment: string;
  /** Set on the pieces of a cluster longer than MAX_GRAPHEME_LENGTH: `first`, then `continuation`s. */
  piece?: 'first' | 'continuation';
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/**
 * Where a slice of at most `limit` code units from `start` ends: the end of the text, or one code
 * unit early where it would split a surrogate pair. Always past `start` for limits above 1.
 */
export function codePointEnd(text: string, start: number, limit: number): number {
  const end = start + limit;
  if (end >= text.length) return text.length;
  return isHighSurrogate(text.charCodeAt(end - 1)) ? end - 1 : end;
}

function* cut(segment: string, continuing: boolean): Generator<Grapheme> {
  let start = 0;
  let first = !continuing;
  while (start < segment.length) {
    const next = codePointEnd(segment, start, MAX_GRAPHEME_LENGTH);
    yield { segment: segment.slice(start, next), piece: first ? 'first' : 'continuation' };
    first = false;
    start = next;
  }
}

/** The extended grapheme clusters of `text`, in order; clusters too long to treat as one come in pieces. */
export function* graphemesOf(text: string): Generator<Grapheme> {
  let start = 0;
  let continuing = false;
  while (start < text.length) {
    const end = codePointEnd(text, start, SEGMENTER_WINDOW);
    const window = text.slice(start, end);
    const reachesEnd = end === text.length;
    const segments = Array.from(segmenter.segment(window), ({ segment }) => segment);
    // The window's last cluster may continue past it: it is segmented again with the next window,
    // unless it fills the whole window, which only an over-long cluster can do.
    const complete = reachesEnd || segments.length === 1 ? segments : segments.slice(0, -1);
    for (const segment of complete) {
      if (continuing || segment.length > MAX_GRAPHEME_LENGTH) yield* cut(segment, continuing);
      else yield { segment };
      continuing = false;
      start += segment.length;
    }
    continuing = !reachesEnd && segments.length === 1;
  }
}

/** Just the text of each cluster (or piece of an over-long one). */
export function* graphemeTexts(text: string): Generator<string> {
  for (const { segment } of graphemesOf(text)) yield segment;
}
