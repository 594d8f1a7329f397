import { EMPTY_MARK } from './labels';
import { escapeInline, escapeLine } from './markdown-escape';
import type { Field, OutputBlock } from './output-blocks';
import { buildPackOutline, type StepOutline } from './pack-outline';
import type { BuildPackSource } from './source';

/** A backslash before the newline is CommonMark's visible hard line break (trailing spaces get lost in editors). */
const HARD_BREAK = '\\\n';

/** Renders the build pack as CommonMark in which no user text can form Markdown syntax. */
export function renderMarkdown(source: BuildPackSource): string {
  const outline = buildPackOutline(source);
  const chunks = [
    `# ${escapeInline(outline.title)}`,
    ideaQuote(outline.idea),
    fieldsParagraph(outline.facts),
    ...Array.from(outline.steps, stepChunks).flat(),
  ];
  return `${chunks.join('\n\n')}\n`;
}

function ideaQuote(paragraphs: string[][]): string {
  if (paragraphs.length === 0) return `> ${EMPTY_MARK}`;
  return paragraphs.map((lines) => prefixLines(paragraphText(lines), '> ', '> ')).join('\n>\n');
}

function stepChunks(step: StepOutline): string[] {
  const chunks = [`## ${escapeInline(step.heading)}`];
  if (step.description) chunks.push(escapeLine(step.description));
  chunks.push(fieldsParagraph(step.facts), ...step.blocks.map(blockText));
  return chunks;
}

function paragraphText(lines: readonly string[]): string {
  return lines.map(escapeLine).join(HARD_BREAK);
}

function fieldsParagraph(fields: readonly Field[]): string {
  return fields
    .map((field) => `**${escapeInline(field.label)}**: ${escapeInline(field.text)}`)
    .join(HARD_BREAK);
}

function blockText(block: OutputBlock): string {
  switch (block.kind) {
    case 'section':
      return [`${'#'.repeat(block.level)} ${escapeInline(block.title)}`, ...block.blocks.map(blockText)].join(
        '\n\n',
      );
    case 'fields':
      return fieldsParagraph(block.fields);
    case 'paragraph':
      return paragraphText(block.lines);
    case 'note':
      return escapeLine(block.text);
    case 'empty':
      return EMPTY_MARK;
    case 'list':
      return listText(block.items.map((blocks) => blocks.map(blockText).join('\n\n')));
    case 'definitions':
      return listText(
        block.items.map((item) =>
          [`**${escapeInline(item.label)}**`, ...item.blocks.map(blockText)].join('\n\n'),
        ),
      );
  }
}

/** Items made of several blocks are separated by blank lines so the list reads as loose throughout. */
function listText(items: readonly string[]): string {
  const separator = items.some((item) => item.includes('\n\n')) ? '\n\n' : '\n';
  return items.map((item) => prefixLines(item, '- ', '  ')).join(separator);
}

function prefixLines(text: string, first: string, rest: string): string {
  return text
    .split('\n')
    .map((line, index) => {
      if (index === 0) return `${first}${line}`;
      return line.length === 0 ? line : `${rest}${line}`;
    })
    .join('\n');
}
