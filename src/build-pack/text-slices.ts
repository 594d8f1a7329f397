import { codePointEnd } from './graphemes';

/**
 * How much text the PDF renderer prepares (normalises, checks against the font) in one go. Preparing
 * is linear but not free; in slices, the renderer can pause between them.
 */
export const TEXT_SLICE_LENGTH = 4096;

/**
 * `text` in consecutive slices of at most `maxLength` UTF-16 code units. A slice ends after a space
 * where there is one in its second half, so words stay whole; a longer run without spaces is cut
 * between code points, never inside a surrogate pair.
 */
export function* textSlices(text: string, maxLength = TEXT_SLICE_LENGTH): Generator<string> {
  let start = 0;
  while (start < text.length) {
    let end = codePointEnd(text, start, maxLength);
    if (end < text.length) {
      const secondHalf = start + Math.floor(maxLength / 2);
      const space = text.slice(secondHalf, end).lastIndexOf(' ');
      if (space >= 0) end = secondHalf + space + 1;
    }
    yield text.slice(start, end);
    start = end;
  }
}
