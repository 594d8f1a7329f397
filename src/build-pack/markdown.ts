import { EMPTY_MARK } from './labels';
import { escapeInline, escapeLine } from './markdown-escape';
import type { Field, OutputBlock } from './output-blocks';
import { buildPackOutline, type PackOutline, type StepOutline } from './pack-outline';
import { RenderPacer } from './render-pacer';
import type { BuildPackSource } from './source';

/** A backslash before the newline is CommonMark's visible hard line break (trailing spaces get lost in editors). */
const HARD_BREAK = '\\\n';

/** Renders the build pack as CommonMark in which no user text can form Markdown syntax. */
export function renderMarkdown(source: BuildPackSource): string {
  return joinChunks(Array.from(markdownChunks(buildPackOutline(source))));
}

/**
 * The same text for the server, which renders on the thread that answers every other request: it pauses
 * between blocks as the work builds up (see RenderPacer), so a pack of deeply nested outputs does not hold
 * the event loop for the whole render.
 */
export async function renderMarkdownPaced(source: BuildPackSource): Promise<string> {
  const pacer = new RenderPacer();
  const chunks: string[] = [];
  for (const chunk of markdownChunks(buildPackOutline(source))) {
    chunks.push(chunk);
    pacer.add(chunk.length);
    await pacer.pauseIfDue();
  }
  return joinChunks(chunks);
}

const joinChunks = (chunks: readonly string[]) => `${chunks.join('\n\n')}\n`;

function* markdownChunks(outline: PackOutline): Generator<string> {
  yield `# ${escapeInline(outline.title)}`;
  yield ideaQuote(outline.idea);
  yield fieldsParagraph(outline.facts);
  for (const step of outline.steps) yield* stepChunks(step);
}

function ideaQuote(paragraphs: string[][]): string {
  if (paragraphs.length === 0) return `> ${EMPTY_MARK}`;
  return paragraphs.map((lines) => prefixLines(paragraphText(lines), '> ', '> ')).join('\n>\n');
}

function* stepChunks(step: StepOutline): Generator<string> {
  yield `## ${escapeInline(step.heading)}`;
  if (step.description) yield escapeLine(step.description);
  yield fieldsParagraph(step.facts);
  for (const block of step.blocks) yield blockText(block);
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
