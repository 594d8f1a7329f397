/**
 * Characters that open inline constructs anywhere in a line: code spans and fences, emphasis,
 * links and images, autolinks and raw HTML, entities, GFM tables and strikethrough, ATX closing
 * sequences, and the backslash itself.
 */
const INLINE_SPECIALS = /[\\`*_[\]<>|~&#]/g;
/** Block markers that only count at the start of a line: lists, setext underlines, block quotes. */
const LINE_START_MARKER = /^[-+=>]/;
const ORDERED_LIST_MARKER = /^(\d+)([.)])/;

/** Escapes text that sits mid-line: headings, bold labels, values after a label. */
export function escapeInline(text: string): string {
  return text.replace(INLINE_SPECIALS, '\\$&');
}

/** Escapes one line of text that may begin a Markdown line (paragraph lines, list item text). */
export function escapeLine(line: string): string {
  const escaped = escapeInline(line);
  if (LINE_START_MARKER.test(escaped)) return `\\${escaped}`;
  return escaped.replace(ORDERED_LIST_MARKER, '$1\\$2');
}
