import type { PDFDocument, PDFPage, RGB } from 'pdf-lib';
import { ApiError } from '../http/api-error';
import { type Direction, strongDirection, visualOrder } from './bidi';
import { asciiOrPlaceholders, drawableText } from './drawable-text';
import type { PdfTypeface } from './pdf-fonts';
import { RenderPacer } from './render-pacer';
import { textSlices } from './text-slices';
import { type StyledText, wrapStyledText } from './text-wrap';

export interface TextStyle {
  typeface: PdfTypeface;
  size: number;
  color: RGB;
}

export type Span = StyledText<TextStyle>;

export interface PageGeometry {
  size: [number, number];
  marginTop: number;
  marginBottom: number;
  marginLeft: number;
  marginRight: number;
}

/** A longer PDF is refused as a whole: nobody reads it, and it would take too long to render. */
export const MAX_PDF_PAGES = 300;
/**
 * Layout work a PDF may take, in the units the renderer counts: a code unit of text, and a fixed
 * amount per line and per run of one direction and style. Ordinary prose reaches the page limit
 * first; text that changes direction every character or two (each change is a separately shaped
 * run) reaches this one, so that no document costs more than a few seconds of CPU.
 */
export const MAX_LAYOUT_WORK = 2_500_000;

export interface LineOptions {
  /** Distance from the left margin to the text. */
  indent: number;
  /** Vertical advance per line. */
  leading: number;
  /** Right-to-left paragraphs are right-aligned unless the text must line up with a label. */
  alignRightToLeft?: boolean;
  /** A vertical bar left of the text, as for a block quote. */
  bar?: { offset: number; color: RGB };
}

/** Keeps deep nesting from squeezing the text column to nothing. */
const MIN_COLUMN_WIDTH = 160;
const BASELINE_RATIO = 0.95;
const BAR_WIDTH = 2;
/** Drawing a line, and shaping a run, cost about as much as this many characters, however short. */
const LINE_WORK = 16;
const RUN_WORK = 32;

/**
 * Lays text out top to bottom over as many pages as it needs: wraps lines to the column, breaks
 * pages before a line would cross the bottom margin, and orders right-to-left runs for display.
 */
export class PdfPageFlow {
  private page: PDFPage;
  private y: number;
  private pendingMarkers: Array<{ text: string; x: number; style: TextStyle }> = [];
  private readonly pacer = new RenderPacer();

  constructor(
    private readonly document: PDFDocument,
    private readonly geometry: PageGeometry,
    private readonly limits = { maxPages: MAX_PDF_PAGES, maxLayoutWork: MAX_LAYOUT_WORK },
  ) {
    this.page = this.addPage();
    this.y = this.top;
  }

  private get top(): number {
    return this.geometry.size[1] - this.geometry.marginTop;
  }

  private get columnWidth(): number {
    return this.geometry.size[0] - this.geometry.marginLeft - this.geometry.marginRight;
  }

  private addPage(): PDFPage {
    return this.document.addPage(this.geometry.size);
  }

  /** A document past the page limit is refused as a whole, never cut short. */
  private newPage(): void {
    if (this.document.getPageCount() >= this.limits.maxPages) throw tooLarge(this.limits);
    this.page = this.addPage();
    this.y = this.top;
  }

  /** Vertical space; dropped at the top of a page, where it would only push text down. */
  space(points: number): void {
    if (this.y < this.top) this.y -= points;
  }

  /** Starts a new page unless `height` still fits, so a heading is never left alone at the bottom. */
  keepTogether(height: number): void {
    if (this.y - height < this.geometry.marginBottom && this.y < this.top) this.newPage();
  }

  /** A hairline across the column, e.g. between steps. */
  rule(color: RGB, gapBelow: number): void {
    if (this.y - gapBelow < this.geometry.marginBottom) this.newPage();
    this.page.drawLine({
      start: { x: this.geometry.marginLeft, y: this.y },
      end: { x: this.geometry.marginLeft + this.columnWidth, y: this.y },
      thickness: 0.5,
      color,
    });
    this.y -= gapBelow;
  }

  /** A marker (list bullet) drawn at `indent` on the next line written; nested lists stack theirs. */
  addMarker(text: string, indent: number, style: TextStyle): void {
    this.pendingMarkers.push({
      text: drawableText(text, style.typeface.covers),
      x: this.geometry.marginLeft + indent,
      style,
    });
  }

  /** Writes one paragraph, pausing between lines now and then so that other requests get answered. */
  async writeText(spans: readonly Span[], options: LineOptions): Promise<void> {
    const direction = paragraphDirection(spans);
    const indent = Math.min(options.indent, this.columnWidth - MIN_COLUMN_WIDTH);
    const width = this.columnWidth - indent;
    const lines = wrapStyledText(this.drawableSlices(spans), width, (text, style) =>
      measure(shapeable({ text, style }).text, style),
    );
    let written = 0;
    for (const line of lines) {
      this.writeLine(line, direction, indent, width, options);
      written++;
      await this.pacer.pauseIfDue();
    }
    if (written === 0) this.writeLine([], direction, indent, width, options);
  }

  /** Counts work towards the next pause and the document's limit. */
  private record(units: number): void {
    this.pacer.add(units);
    if (this.pacer.total > this.limits.maxLayoutWork) throw tooLarge(this.limits);
  }

  /** The spans made drawable a slice at a time, as the line wrapper asks for more text. */
  private *drawableSlices(spans: readonly Span[]): Generator<Span> {
    for (const span of spans) {
      for (const slice of textSlices(span.text)) {
        this.record(slice.length);
        yield { text: drawableText(slice, span.style.typeface.covers), style: span.style };
      }
    }
  }

  private writeLine(
    line: readonly Span[],
    direction: Direction,
    indent: number,
    width: number,
    options: LineOptions,
  ): void {
    if (this.y - options.leading < this.geometry.marginBottom) this.newPage();
    const tallest = Math.max(0, ...line.map((span) => span.style.size));
    const baseline = this.y - tallest * BASELINE_RATIO;
    const runs = visualOrder(line, direction).map(shapeable);
    this.record(LINE_WORK + RUN_WORK * runs.length + runs.reduce((total, run) => total + run.text.length, 0));
    const lineWidth = runs.reduce((total, run) => total + measure(run.text, run.style), 0);
    const rightAligned = direction === 'rtl' && options.alignRightToLeft === true;
    let x = this.geometry.marginLeft + indent + (rightAligned ? width - lineWidth : 0);
    this.drawMarkers(baseline);
    if (options.bar) this.drawBar(indent - options.bar.offset, baseline, tallest, options.bar.color);
    for (const run of runs) {
      this.drawRun(run, x, baseline);
      x += measure(run.text, run.style);
    }
    this.y -= options.leading;
  }

  private drawMarkers(baseline: number): void {
    for (const marker of this.pendingMarkers) {
      this.drawRun({ text: marker.text, style: marker.style }, marker.x, baseline);
    }
    this.pendingMarkers = [];
  }

  private drawBar(indent: number, baseline: number, size: number, color: RGB): void {
    this.page.drawRectangle({
      x: this.geometry.marginLeft + indent,
      y: baseline - size * 0.3,
      width: BAR_WIDTH,
      height: size * 1.35,
      color,
    });
  }

  private drawRun(run: Span, x: number, baseline: number): void {
    if (run.text.length === 0) return;
    this.page.drawText(run.text, {
      x,
      y: baseline,
      font: run.style.typeface.font,
      size: run.style.size,
      color: run.style.color,
    });
  }

  /** Draws "Page n of m" centred in every page's footer; call once all content is laid out. */
  async numberPages(style: TextStyle, baseline: number): Promise<void> {
    const pages = this.document.getPages();
    for (const [index, page] of pages.entries()) {
      this.pacer.add(RUN_WORK);
      await this.pacer.pauseIfDue();
      const text = `Page ${index + 1} of ${pages.length}`;
      const width = measure(text, style);
      page.drawText(text, {
        x: (this.geometry.size[0] - width) / 2,
        y: baseline,
        font: style.typeface.font,
        size: style.size,
        color: style.color,
      });
    }
  }
}

/** From the first strong letter the font can draw: the others are drawn as placeholders. */
function paragraphDirection(spans: readonly Span[]): Direction {
  for (const span of spans) {
    const direction = strongDirection(span.text, span.style.typeface.covers);
    if (direction) return direction;
  }
  return 'ltr';
}

function tooLarge(limits: { maxPages: number; maxLayoutWork: number }): ApiError {
  return new ApiError(
    'pack_too_large_to_render',
    `This build pack is too long to render as a PDF (at most ${limits.maxPages} pages, or less for text that changes writing direction very often). Download it as Markdown or JSON, or shorten its step outputs.`,
    { extensions: limits },
  );
}

/**
 * fontkit can throw while shaping (see UNSHAPEABLE in pdf-fonts.ts for the known case). A run it
 * rejects is drawn with placeholders so one odd string never fails the whole document.
 */
function shapeable(run: Span): Span {
  try {
    measure(run.text, run.style);
    return run;
  } catch {
    return { ...run, text: asciiOrPlaceholders(run.text) };
  }
}

/** Widths per style and text: wrapping measures the same words over and over, and fontkit shaping is slow. */
const widthCache = new WeakMap<TextStyle, Map<string, number>>();

function measure(text: string, style: TextStyle): number {
  let widths = widthCache.get(style);
  if (!widths) {
    widths = new Map();
    widthCache.set(style, widths);
  }
  let width = widths.get(text);
  if (width === undefined) {
    width = style.typeface.font.widthOfTextAtSize(text, style.size);
    widths.set(text, width);
  }
  return width;
}
