/** Headings, labels and titles live on one line whatever the user typed. */
export function singleLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Splits free text into paragraphs (at blank lines) of trimmed lines (at single line breaks).
 * Leading indentation is dropped on purpose: neither Markdown nor the PDF can show it without
 * changing its meaning (an indented line is a code block in Markdown).
 */
export function paragraphsOf(text: string): string[][] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[^\S\n]*\n/)
    .map((paragraph) =>
      paragraph
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.length > 0),
    )
    .filter((lines) => lines.length > 0);
}
