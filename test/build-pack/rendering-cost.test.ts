/**
 * Rendering cost stays linear in the input, whatever the text. `Intl.Segmenter` (on Node 20) and font
 * shaping take more than linear time in the length of the string they are given, and normalisation
 * in the length of a run of combining marks; so these tests watch what the renderers hand them
 * (the spies call through) and check that no call ever gets more than a fixed amount, and that the
 * number of calls grows in proportion to the input. No clock is read.
 */
import { PDFFont } from 'pdf-lib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_GRAPHEME_LENGTH, SEGMENTER_WINDOW } from '../../src/build-pack/graphemes';
import { renderJson } from '../../src/build-pack/json';
import { renderMarkdown } from '../../src/build-pack/markdown';
import { renderPdf } from '../../src/build-pack/pdf';
import type { BuildPackSource } from '../../src/build-pack/source';
import { MAX_LINE_LENGTH } from '../../src/build-pack/text-wrap';
import { ADVERSARIAL_KINDS, adversarialOutput } from '../support/adversarial-outputs';
import { halfDoneWorkshop, withSteps } from './fixtures';
import { readPdf } from './pdf-text';

/** Well past every bound the renderers keep to, and small enough to render quickly. */
const STEP_BYTES = 12 * 1024;
const STREAM_SAFE_MARKS = 30;
const LINEAR_SLACK = 1.1;

/** One adversarial kind of output per step, each `bytes` of JSON. */
function adversarialPack(bytes: number): BuildPackSource {
  return withSteps(
    halfDoneWorkshop,
    halfDoneWorkshop.steps.map((step, index) => ({
      ...step,
      status: 'complete',
      completion: 'ai_confirmed',
      output: adversarialOutput(ADVERSARIAL_KINDS[index] ?? 'unbroken-token', bytes),
    })),
  );
}

interface Calls {
  segmenter: number[];
  shaping: number[];
  longestMarkRunNormalised: number;
}

/** Lengths of the strings handed to the segmenter and to font shaping while `render` runs. */
async function watch(render: () => Promise<unknown>): Promise<Calls> {
  const calls: Calls = { segmenter: [], shaping: [], longestMarkRunNormalised: 0 };
  const segment = Intl.Segmenter.prototype.segment;
  vi.spyOn(Intl.Segmenter.prototype, 'segment').mockImplementation(function (this: Intl.Segmenter, text) {
    calls.segmenter.push(text.length);
    return segment.call(this, text);
  });
  const width = PDFFont.prototype.widthOfTextAtSize;
  vi.spyOn(PDFFont.prototype, 'widthOfTextAtSize').mockImplementation(function (this: PDFFont, text, size) {
    calls.shaping.push(text.length);
    return width.call(this, text, size);
  });
  const encode = PDFFont.prototype.encodeText;
  vi.spyOn(PDFFont.prototype, 'encodeText').mockImplementation(function (this: PDFFont, text) {
    calls.shaping.push(text.length);
    return encode.call(this, text);
  });
  const normalize = String.prototype.normalize;
  vi.spyOn(String.prototype, 'normalize').mockImplementation(function (this: string, form) {
    const runs = this.match(/\p{M}+/gu) ?? [];
    for (const run of runs)
      calls.longestMarkRunNormalised = Math.max(calls.longestMarkRunNormalised, run.length);
    return normalize.call(this, form);
  });
  try {
    await render();
  } finally {
    vi.restoreAllMocks();
  }
  return calls;
}

/**
 * The work of a list of calls if each costs the square of its input, as segmenting or shaping one
 * unbroken word does: linear in the input only while every call is bounded.
 */
const quadraticWork = (lengths: readonly number[]) =>
  lengths.reduce((sum, length) => sum + length * length, 0);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('PDF rendering cost', () => {
  it('never hands the segmenter, font shaping or normalisation more than a fixed amount of text', async () => {
    let bytes: Uint8Array = new Uint8Array();
    const calls = await watch(async () => {
      bytes = await renderPdf(adversarialPack(STEP_BYTES));
    });
    expect(Math.max(...calls.segmenter)).toBeLessThanOrEqual(SEGMENTER_WINDOW);
    expect(Math.max(...calls.shaping)).toBeLessThanOrEqual(MAX_LINE_LENGTH);
    expect(calls.longestMarkRunNormalised).toBeLessThanOrEqual(
      Math.max(STREAM_SAFE_MARKS, MAX_GRAPHEME_LENGTH),
    );
    const { pages } = await readPdf(bytes);
    expect(pages.join('')).toContain('WWWWWWWWWW');
  }, 300_000);

  it('does work in proportion to the input: twice the text, about twice the work', async () => {
    const once = await watch(() => renderPdf(adversarialPack(STEP_BYTES)));
    const twice = await watch(() => renderPdf(adversarialPack(2 * STEP_BYTES)));
    // Outputs are filled in whole units and segmenter windows overlap a little: close to double,
    // where quadratic work would be four times as much.
    const atMostDouble = (more: number, less: number) =>
      expect(more).toBeLessThanOrEqual(2 * LINEAR_SLACK * less);
    atMostDouble(twice.segmenter.length, once.segmenter.length);
    atMostDouble(quadraticWork(twice.segmenter), quadraticWork(once.segmenter));
    atMostDouble(twice.shaping.length, once.shaping.length);
    atMostDouble(quadraticWork(twice.shaping), quadraticWork(once.shaping));
  }, 300_000);
});

describe('Markdown and JSON rendering cost', () => {
  it('renders every adversarial kind without segmenting or shaping text at all', async () => {
    const source = adversarialPack(STEP_BYTES);
    const calls = await watch(async () => {
      renderMarkdown(source);
      JSON.stringify(renderJson(source));
    });
    expect(calls.segmenter).toEqual([]);
    expect(calls.shaping).toEqual([]);
  });
});
