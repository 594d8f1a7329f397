import { beforeAll, describe, expect, it } from 'vitest';
import { PLACEHOLDER } from '../../src/build-pack/drawable-text';
import { renderPdf } from '../../src/build-pack/pdf';
import {
  ARABIC,
  CJK,
  COMBINING,
  CYRILLIC,
  completeWorkshop,
  EMOJI,
  EXPECTED_MARKS,
  FIXTURES,
  GREEK,
  HEBREW,
  HOSTILE_STRINGS,
  STEP_HEADINGS,
} from './fixtures';
import { flatten, type PdfContent, readPdf } from './pdf-text';

const decoder = new TextDecoder('latin1');

describe.each(Object.entries(FIXTURES))('renderPdf: %s workshop', (name, source) => {
  let bytes: Uint8Array;
  let pdf: PdfContent;
  let text: string;

  beforeAll(async () => {
    bytes = await renderPdf(source);
    pdf = await readPdf(bytes);
    text = flatten(pdf.pages.join('\n'));
  });

  it('is a PDF', () => {
    expect(decoder.decode(bytes.subarray(0, 5))).toBe('%PDF-');
  });

  it('shows the title, the workshop facts and every step heading in order', () => {
    expect(text).toContain(flatten(source.pack.title));
    expect(text).toContain(`Workshop: ${source.workshop.title}`);
    expect(text).toContain('Started: 2025-03-01');
    let from = 0;
    for (const heading of STEP_HEADINGS) {
      const at = text.indexOf(heading, from);
      expect(at, heading).toBeGreaterThanOrEqual(from);
      from = at + heading.length;
    }
  });

  it('marks every step with its status', () => {
    for (const mark of EXPECTED_MARKS[name as keyof typeof FIXTURES])
      expect(text).toContain(`Status: ${mark}`);
  });

  it('numbers every page "Page n of m"', () => {
    const total = pdf.pages.length;
    pdf.pages.forEach((page, index) => {
      expect(flatten(page)).toContain(`Page ${index + 1} of ${total}`);
    });
  });

  it('sets title, producer and dates from the source, not the clock', () => {
    expect(pdf.info.Title).toBe(source.pack.title);
    expect(pdf.info.Producer).toBe('workshop-api build pack renderer');
    expect(pdf.info.CreationDate).toBe('D:20250320093000Z');
    expect(pdf.info.ModDate).toBe('D:20250321093000Z');
  });

  it('renders byte-identical output every time', async () => {
    expect(Buffer.from(await renderPdf(source)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('embeds only the glyphs it uses', () => {
    expect(bytes.length).toBeLessThan(120_000);
  });
});

describe('renderPdf: content of the complete workshop', () => {
  let pdf: PdfContent;
  let text: string;

  beforeAll(async () => {
    pdf = await readPdf(await renderPdf(completeWorkshop));
    text = flatten(pdf.pages.join('\n'));
  });

  it('spreads the 5,000-word output over several pages', () => {
    expect(pdf.pages.length).toBeGreaterThan(5);
    expect(pdf.pages.every((page) => page.trim().length > 0)).toBe(true);
  });

  it('lays outputs out like the Markdown: headings, labelled values, bullets', () => {
    for (const sample of [
      'Problem statement',
      'Every evening the canteens throw away food',
      'Target users',
      '• Students in halls',
      'Budget: 5000',
      'Offline: Yes',
      'Name: Catering manager',
      '• Fewer complaints',
      'Deepest: Seventh level',
      'Ready: Yes',
      'Ideas: —',
      'No output recorded.',
    ]) {
      expect(text).toContain(sample);
    }
  });

  it('draws Greek and Cyrillic for real', () => {
    expect(text).toContain(GREEK);
    expect(text).toContain(CYRILLIC);
    expect(text).toContain('Amélie');
  });

  it('keeps hostile Markdown as plain text', () => {
    for (const hostile of HOSTILE_STRINGS) expect(text).toContain(hostile.trim());
  });

  it('shows the placeholder for CJK and unsupported emoji instead of failing', () => {
    for (const character of Array.from(CJK).filter((c) => c.trim())) expect(text).not.toContain(character);
    expect(text).toContain(`Cjk: ${PLACEHOLDER.repeat(8)} ${PLACEHOLDER.repeat(4)} ${PLACEHOLDER.repeat(5)}`);
    expect(text).toContain(
      `Emoji: Launch ${PLACEHOLDER}${PLACEHOLDER} family ${PLACEHOLDER} flag ${PLACEHOLDER}`,
    );
    expect(EMOJI).toContain('👍🏽');
  });

  it('draws Hebrew and Arabic words, which copy out in reading order', () => {
    expect(ARABIC).toContain('مرحبا بالعالم');
    expect(text).toContain('مرحبا بالعالم');
    expect(text).toContain('٢٠٢٥');
    expect(HEBREW).toContain('שלום עולם');
    expect(text).toContain('שלום עולם');
  });

  it('keeps combining marks the font has and replaces the clusters it cannot draw', () => {
    expect(COMBINING).toContain('l\u0354');
    expect(text).toContain(`Amélie, ñ, Z\u0351\u0352a\u0353${PLACEHOLDER}${PLACEHOLDER}o`);
  });

  it('breaks a word longer than the line instead of overflowing', () => {
    const lines = pdf.pages.flatMap((page) => page.split('\n')).filter((line) => line.includes('Supercali'));
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.join('').replace(/\s/g, '')).toContain('Supercalifragilistic'.repeat(30));
  });
});
