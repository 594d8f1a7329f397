import { rgb } from 'pdf-lib';
import { EMPTY_MARK } from './labels';
import type { Field, HeadingLevel, OutputBlock } from './output-blocks';
import type { PackOutline, StepOutline } from './pack-outline';
import type { PdfFonts } from './pdf-fonts';
import type { PdfPageFlow, TextStyle } from './pdf-page-flow';

const INDENT_STEP = 14;
/** Deeper nesting keeps this indentation so the text column stays readable. */
const MAX_INDENT_DEPTH = 8;
const BULLET = '•';

const INK = rgb(0.11, 0.11, 0.13);
const MUTED = rgb(0.42, 0.42, 0.46);
const RULE = rgb(0.8, 0.8, 0.83);
const QUOTE_BAR = rgb(0.75, 0.77, 0.82);

export interface Styles {
  title: TextStyle;
  idea: TextStyle;
  stepHeading: TextStyle;
  description: TextStyle;
  label: TextStyle;
  body: TextStyle;
  muted: TextStyle;
  footer: TextStyle;
  sections: Record<HeadingLevel, TextStyle>;
}

export function stylesFor(fonts: PdfFonts): Styles {
  const regular = (size: number, color = INK): TextStyle => ({ typeface: fonts.regular, size, color });
  const bold = (size: number): TextStyle => ({ typeface: fonts.bold, size, color: INK });
  return {
    title: bold(20),
    idea: regular(11.5),
    stepHeading: bold(15),
    description: regular(9.5, MUTED),
    label: bold(10),
    body: regular(10),
    muted: regular(10, MUTED),
    footer: regular(8.5, MUTED),
    sections: { 3: bold(12.5), 4: bold(11.5), 5: bold(10.5), 6: bold(10) },
  };
}

const leadingOf = (style: TextStyle) => style.size * 1.4;

/** Lays the outline out in the same order and structure as the Markdown, as PDF text. */
export class PackLayout {
  constructor(
    private readonly flow: PdfPageFlow,
    private readonly styles: Styles,
  ) {}

  async pack(outline: PackOutline): Promise<void> {
    await this.flow.writeText([{ text: outline.title, style: this.styles.title }], {
      indent: 0,
      leading: leadingOf(this.styles.title),
    });
    this.flow.space(8);
    await this.idea(outline.idea);
    this.flow.space(10);
    await this.fields(outline.facts, 0);
    for (const step of outline.steps) await this.step(step);
  }

  private async idea(paragraphs: string[][]): Promise<void> {
    const style = this.styles.idea;
    const shown = paragraphs.length > 0 ? paragraphs : [[EMPTY_MARK]];
    for (const [index, lines] of shown.entries()) {
      if (index > 0) this.flow.space(6);
      for (const line of lines) {
        await this.flow.writeText([{ text: line, style }], {
          indent: 12,
          leading: leadingOf(style),
          alignRightToLeft: true,
          bar: { offset: 12, color: QUOTE_BAR },
        });
      }
    }
  }

  private async step(step: StepOutline): Promise<void> {
    const heading = this.styles.stepHeading;
    this.flow.space(18);
    this.flow.keepTogether(
      leadingOf(heading) +
        leadingOf(this.styles.description) +
        (step.facts.length + 2) * leadingOf(this.styles.body),
    );
    this.flow.rule(RULE, 10);
    await this.flow.writeText([{ text: step.heading, style: heading }], {
      indent: 0,
      leading: leadingOf(heading),
    });
    if (step.description) {
      await this.flow.writeText([{ text: step.description, style: this.styles.description }], {
        indent: 0,
        leading: leadingOf(this.styles.description),
      });
    }
    this.flow.space(6);
    await this.fields(step.facts, 0);
    await this.blocks(step.blocks, 0);
  }

  private async blocks(blocks: readonly OutputBlock[], depth: number): Promise<void> {
    for (const block of blocks) await this.block(block, depth);
  }

  private indent(depth: number): number {
    return Math.min(depth, MAX_INDENT_DEPTH) * INDENT_STEP;
  }

  private async block(block: OutputBlock, depth: number): Promise<void> {
    const body = this.styles.body;
    switch (block.kind) {
      case 'section': {
        const style = this.styles.sections[block.level];
        this.flow.space(block.level === 3 ? 8 : 5);
        this.flow.keepTogether(leadingOf(style) + 2 * leadingOf(body));
        await this.flow.writeText([{ text: block.title, style }], {
          indent: this.indent(depth),
          leading: leadingOf(style),
        });
        this.flow.space(2);
        await this.blocks(block.blocks, depth);
        return;
      }
      case 'fields':
        await this.fields(block.fields, depth);
        return;
      case 'paragraph':
        for (const line of block.lines) await this.line(line, body, depth);
        this.flow.space(this.gapAfter(depth));
        return;
      case 'note':
        await this.line(block.text, this.styles.muted, depth);
        this.flow.space(this.gapAfter(depth));
        return;
      case 'empty':
        await this.line(EMPTY_MARK, body, depth);
        this.flow.space(this.gapAfter(depth));
        return;
      case 'list':
        for (const item of block.items) {
          this.flow.addMarker(BULLET, this.indent(depth), body);
          await this.blocks(item, depth + 1);
        }
        return;
      case 'definitions':
        for (const item of block.items) {
          this.flow.addMarker(BULLET, this.indent(depth), body);
          await this.flow.writeText([{ text: item.label, style: this.styles.label }], {
            indent: this.indent(depth + 1),
            leading: leadingOf(body),
          });
          await this.blocks(item.blocks, depth + 1);
        }
        return;
    }
  }

  /** Inside lists, items sit closer together than top-level paragraphs. */
  private gapAfter(depth: number): number {
    return depth > 0 ? 2 : 5;
  }

  /** Right-to-left text is right-aligned in free-standing paragraphs, not beside a list bullet. */
  private async line(text: string, style: TextStyle, depth: number): Promise<void> {
    await this.flow.writeText([{ text, style }], {
      indent: this.indent(depth),
      leading: leadingOf(style),
      alignRightToLeft: depth === 0,
    });
  }

  private async fields(fields: readonly Field[], depth: number): Promise<void> {
    for (const field of fields) {
      await this.flow.writeText(
        [
          { text: `${field.label}: `, style: this.styles.label },
          { text: field.text, style: this.styles.body },
        ],
        { indent: this.indent(depth), leading: leadingOf(this.styles.body) },
      );
    }
    this.flow.space(this.gapAfter(depth));
  }
}
