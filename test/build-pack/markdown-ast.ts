import { type Node, Parser } from 'commonmark';

export function parseMarkdown(markdown: string): Node {
  return new Parser().parse(markdown);
}

/** Node types the renderer never emits, so any of them would have come from user text. */
export const INJECTED_NODE_TYPES = new Set([
  'link',
  'image',
  'html_inline',
  'html_block',
  'code',
  'code_block',
  'thematic_break',
  'emph',
]);

export function children(node: Node): Node[] {
  const result: Node[] = [];
  for (let child = node.firstChild; child; child = child.next) result.push(child);
  return result;
}

export function descendants(node: Node): Node[] {
  return children(node).flatMap((child) => [child, ...descendants(child)]);
}

/** The text a reader sees: literals of text and code, line breaks as "\n". */
export function plainText(node: Node): string {
  if (node.type === 'text' || node.type === 'code') return node.literal ?? '';
  if (node.type === 'softbreak' || node.type === 'linebreak') return '\n';
  return children(node).map(plainText).join('');
}

export function headings(document: Node, level: number): string[] {
  return descendants(document)
    .filter((node) => node.type === 'heading' && node.level === level)
    .map(plainText);
}

/** Text of every paragraph, one entry per line (hard and soft breaks split lines). */
export function paragraphLines(document: Node): string[] {
  return descendants(document)
    .filter((node) => node.type === 'paragraph')
    .flatMap((node) => plainText(node).split('\n'));
}

/** Top-level blocks from each level-2 heading up to the next one. */
export function stepSections(document: Node): Node[][] {
  const sections: Node[][] = [];
  for (const block of children(document)) {
    if (block.type === 'heading' && block.level === 2) sections.push([block]);
    else sections.at(-1)?.push(block);
  }
  return sections;
}
