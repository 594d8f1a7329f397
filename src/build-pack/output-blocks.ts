import { humaniseKey } from './humanise-key';
import { EMPTY_MARK } from './labels';
import { paragraphsOf } from './plain-text';

/**
 * A step output walked into neutral blocks that the Markdown and PDF renderers only lay out, so
 * both formats always show the same content in the same order.
 */
export type OutputBlock =
  | { kind: 'section'; level: HeadingLevel; title: string; blocks: OutputBlock[] }
  | { kind: 'fields'; fields: Field[] }
  | { kind: 'paragraph'; lines: string[] }
  | { kind: 'list'; items: OutputBlock[][] }
  | { kind: 'definitions'; items: Definition[] }
  | { kind: 'note'; text: string }
  | { kind: 'empty' };

/** A short value shown on one line after its label: `Label: value`. */
export interface Field {
  label: string;
  text: string;
}

/** A labelled value too large for one line, below the heading levels Markdown has. */
export interface Definition {
  label: string;
  blocks: OutputBlock[];
}

export type HeadingLevel = 3 | 4 | 5 | 6;

/** Step headings are H2, so output keys start at H3; Markdown stops at H6. */
const FIRST_HEADING_LEVEL = 3;
const LAST_HEADING_LEVEL = 6;
/** Longer strings read better as their own paragraph under a heading than squeezed after a label. */
const INLINE_TEXT_LIMIT = 80;
/** Hostile outputs can nest thousands of levels; recursion stops well before the stack does. */
const NESTING_LIMIT = 32;
const TOO_DEEP_NOTE = '… (nested too deeply to show)';

const EMPTY: OutputBlock = { kind: 'empty' };

export function outputBlocks(output: Record<string, unknown>): OutputBlock[] {
  return objectBlocks(output, FIRST_HEADING_LEVEL, 0);
}

export function isEmptyOutput(output: Record<string, unknown> | null): boolean {
  return output === null || Object.keys(output).length === 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function isInline(value: unknown): boolean {
  if (typeof value === 'string')
    return !/[\r\n]/.test(value.trim()) && value.trim().length <= INLINE_TEXT_LIMIT;
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.keys(value).length === 0;
  return true;
}

function inlineText(value: unknown): string {
  if (typeof value === 'string') return value.trim() || EMPTY_MARK;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? EMPTY_MARK : value.toISOString();
  return EMPTY_MARK;
}

function headingLevel(level: number): HeadingLevel | null {
  return level >= FIRST_HEADING_LEVEL && level <= LAST_HEADING_LEVEL ? (level as HeadingLevel) : null;
}

/**
 * Short values come first, as one group, and larger ones follow in key order: a short value placed
 * after a sub-heading would read as part of that heading's section.
 */
function objectBlocks(object: Record<string, unknown>, level: number, depth: number): OutputBlock[] {
  const entries = Object.entries(object);
  if (entries.length === 0) return [EMPTY];
  const fields: Field[] = [];
  const larger: OutputBlock[] = [];
  const definitions: Definition[] = [];
  const sectionLevel = headingLevel(level);
  for (const [key, value] of entries) {
    const label = humaniseKey(key);
    if (isInline(value)) {
      fields.push({ label, text: inlineText(value) });
      continue;
    }
    const blocks = valueBlocks(value, level + 1, depth + 1);
    if (sectionLevel === null) definitions.push({ label, blocks });
    else larger.push({ kind: 'section', level: sectionLevel, title: label, blocks });
  }
  const result: OutputBlock[] = [];
  if (fields.length > 0) result.push({ kind: 'fields', fields });
  if (definitions.length > 0) result.push({ kind: 'definitions', items: definitions });
  return [...result, ...larger];
}

function valueBlocks(value: unknown, level: number, depth: number): OutputBlock[] {
  if (depth > NESTING_LIMIT) return [{ kind: 'note', text: TOO_DEEP_NOTE }];
  if (typeof value === 'string') return textBlocks(value);
  if (Array.isArray(value)) return arrayBlocks(value, depth);
  if (isPlainObject(value)) return objectBlocks(value, level, depth);
  return [{ kind: 'paragraph', lines: [inlineText(value)] }];
}

function textBlocks(text: string): OutputBlock[] {
  const paragraphs = paragraphsOf(text);
  if (paragraphs.length === 0) return [EMPTY];
  return paragraphs.map((lines) => ({ kind: 'paragraph', lines }));
}

/** Headings cannot sit inside list items, so everything below an item uses labelled lists instead. */
function arrayBlocks(items: readonly unknown[], depth: number): OutputBlock[] {
  if (items.length === 0) return [EMPTY];
  return [
    {
      kind: 'list',
      items: items.map((item) =>
        isInline(item)
          ? [{ kind: 'paragraph', lines: [inlineText(item)] }]
          : valueBlocks(item, LAST_HEADING_LEVEL + 1, depth + 1),
      ),
    },
  ];
}
