const MAX_DERIVED_TITLE = 80;

/** A title from the first line of the idea, cut at a word boundary. */
export function titleFromIdea(idea: string): string {
  const firstLine = idea.split(/\r?\n/).find((line) => line.trim().length > 0) ?? idea;
  const collapsed = firstLine.trim().replace(/\s+/g, ' ');
  const characters = Array.from(collapsed);
  if (characters.length <= MAX_DERIVED_TITLE) return collapsed;
  const cut = characters.slice(0, MAX_DERIVED_TITLE - 1).join('');
  const lastSpace = cut.lastIndexOf(' ');
  return `${lastSpace > 40 ? cut.slice(0, lastSpace) : cut}…`;
}
