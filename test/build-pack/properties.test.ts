import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/build-pack/json';
import { renderMarkdown } from '../../src/build-pack/markdown';
import { renderPdf } from '../../src/build-pack/pdf';
import { paragraphsOf, singleLine } from '../../src/build-pack/plain-text';
import type { BuildPackSource, BuildPackStep } from '../../src/build-pack/source';
import { BuildPackDocumentSchema } from '../../src/schemas/build-pack-document';
import { halfDoneWorkshop, STEP_HEADINGS, withSteps } from './fixtures';
import { descendants, headings, INJECTED_NODE_TYPES, paragraphLines, parseMarkdown } from './markdown-ast';

/** Mostly Markdown syntax, so generated strings hit the escaping rules far more often than random text. */
const markdownishString = fc.string({
  unit: fc.constantFrom(
    ...'#*_[]()<>`~|\\-+=!&;:.1 \t\n\r\nax/é'.split(''),
    '\r\n',
    '&amp;',
    '<a>',
    '1. ',
    '- ',
    '```',
  ),
  maxLength: 40,
});

/** Bounded, so that a render's cost depends on the kinds of text, not on how long fast-check makes it. */
const WILD_MAX_LENGTH = 40;

const wildString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: WILD_MAX_LENGTH }),
  fc.string({ unit: 'grapheme', maxLength: WILD_MAX_LENGTH }),
  markdownishString,
  fc.constantFrom(
    '\uD800 lone',
    'x\uDFFF',
    'שלום 12 abc',
    'مرحبا ٢٠٢٥ ok',
    '👨‍👩‍👧 🇬🇧',
    '中文'.repeat(60),
    'word '.repeat(200),
  ),
);

const wildOutput = (maxDepth: number, maxKeys: number) =>
  fc.object({
    key: wildString,
    values: [wildString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null)],
    maxDepth,
    maxKeys,
  });

const jsonOutput = fc.dictionary(
  fc.string({ unit: 'grapheme' }),
  fc.jsonValue({ stringUnit: 'grapheme', maxDepth: 4 }),
  {
    maxKeys: 5,
  },
);

const stepState = fc.constantFrom(
  { status: 'not_started', completion: null },
  { status: 'in_progress', completion: null },
  { status: 'complete', completion: 'ai_confirmed' },
  { status: 'complete', completion: 'user_skipped' },
) satisfies fc.Arbitrary<Pick<BuildPackStep, 'status' | 'completion'>>;

function sourceArbitrary(
  text: fc.Arbitrary<string>,
  output: fc.Arbitrary<Record<string, unknown>>,
): fc.Arbitrary<BuildPackSource> {
  return fc
    .record({
      title: text,
      idea: text,
      steps: fc.array(fc.tuple(stepState, fc.option(output, { nil: null })), {
        minLength: 10,
        maxLength: 10,
      }),
    })
    .map(({ title, idea, steps }) =>
      withSteps(
        {
          ...halfDoneWorkshop,
          pack: { ...halfDoneWorkshop.pack, title },
          workshop: { ...halfDoneWorkshop.workshop, originalIdea: idea },
        },
        halfDoneWorkshop.steps.map((step, index) => {
          const [state, stepOutput] = steps[index] ?? [{ status: 'not_started', completion: null }, null];
          return { ...step, ...state, output: stepOutput };
        }),
      ),
    );
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}

describe('renderMarkdown properties', () => {
  it('keeps its structure and shows every user line literally, whatever the text', () => {
    fc.assert(
      fc.property(
        sourceArbitrary(
          markdownishString,
          fc.dictionary(markdownishString, fc.oneof(markdownishString, fc.array(markdownishString)), {
            maxKeys: 4,
          }),
        ),
        (source) => {
          const document = parseMarkdown(renderMarkdown(source));
          expect(headings(document, 1)).toEqual([singleLine(source.pack.title) || 'Untitled build pack']);
          expect(headings(document, 2)).toEqual(STEP_HEADINGS);
          expect(descendants(document).filter((node) => INJECTED_NODE_TYPES.has(node.type))).toEqual([]);
          const text = paragraphLines(document).join('\n');
          const lines = source.steps
            .flatMap((step) => stringsIn(step.output))
            .flatMap((s) => paragraphsOf(s).flat());
          for (const line of lines) expect(text).toContain(line);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never throws on arbitrary outputs', () => {
    fc.assert(
      fc.property(sourceArbitrary(wildString, wildOutput(4, 5)), (source) => {
        const markdown = renderMarkdown(source);
        expect(headings(parseMarkdown(markdown), 2)).toEqual(STEP_HEADINGS);
      }),
      { numRuns: 200 },
    );
  });
});

describe('renderJson properties', () => {
  it('always matches its schema and carries outputs through unchanged', () => {
    fc.assert(
      fc.property(sourceArbitrary(fc.string({ unit: 'grapheme' }), jsonOutput), (source) => {
        const json = JSON.stringify(renderJson(source));
        BuildPackDocumentSchema.parse(JSON.parse(json));
        // Compared as JSON text: zod's record parsing drops "__proto__" keys, which outputs may have.
        for (const step of source.steps) expect(json).toContain(`"output":${JSON.stringify(step.output)}`);
      }),
      { numRuns: 200 },
    );
  });
});

describe('renderPdf properties', () => {
  it('never throws on arbitrary outputs and always produces a PDF', async () => {
    await fc.assert(
      fc.asyncProperty(sourceArbitrary(wildString, wildOutput(2, 3)), async (source) => {
        const bytes = await renderPdf(source);
        expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-');
      }),
      { numRuns: 30 },
    );
    // Thirty whole PDFs with embedded fonts: room for a machine several times slower than this one.
  }, 300_000);
});

describe('absurd nesting', () => {
  it('renders a 5,000-level deep output in every format', async () => {
    let deep: Record<string, unknown> = { leaf: 'bottom' };
    for (let index = 0; index < 5000; index++) deep = { next: deep };
    const source = {
      ...halfDoneWorkshop,
      steps: halfDoneWorkshop.steps.map((step) => ({ ...step, output: deep })),
    };
    expect(renderMarkdown(source)).toContain('nested too deeply to show');
    expect(renderJson(source).steps[0]?.output).toBe(deep);
    expect((await renderPdf(source)).length).toBeGreaterThan(0);
  });
});
