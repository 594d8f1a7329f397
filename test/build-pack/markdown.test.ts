import { HtmlRenderer } from 'commonmark';
import { describe, expect, it } from 'vitest';
import { humaniseKey } from '../../src/build-pack/humanise-key';
import { renderMarkdown, renderMarkdownPaced } from '../../src/build-pack/markdown';
import {
  completeWorkshop,
  EXPECTED_MARKS,
  FIXTURES,
  HOSTILE_KEYS,
  HOSTILE_PARAGRAPH,
  HOSTILE_STRINGS,
  halfDoneWorkshop,
  STEP_HEADINGS,
} from './fixtures';
import {
  children,
  descendants,
  headings,
  INJECTED_NODE_TYPES,
  paragraphLines,
  parseMarkdown,
  plainText,
  stepSections,
} from './markdown-ast';

describe.each(Object.entries(FIXTURES))('renderMarkdown: %s workshop', (name, source) => {
  const markdown = renderMarkdown(source);
  const document = parseMarkdown(markdown);
  const lines = paragraphLines(document);

  it('opens with the pack title as its only H1', () => {
    const first = document.firstChild;
    expect(first?.type).toBe('heading');
    expect(first?.level).toBe(1);
    expect(headings(document, 1)).toEqual([source.pack.title]);
  });

  it('has the ten step headings as H2s, in order', () => {
    expect(headings(document, 2)).toEqual(STEP_HEADINGS);
  });

  it('quotes the original idea', () => {
    const quotes = descendants(document).filter((node) => node.type === 'block_quote');
    expect(quotes).toHaveLength(1);
    expect(plainText(quotes[0] ?? document)).toContain('An app that helps students share leftover food');
  });

  it('shows workshop status, progress and ISO dates', () => {
    const { completed, total } = {
      completed: source.steps.filter((step) => step.status === 'complete').length,
      total: source.steps.length,
    };
    expect(lines).toContain(`Status: ${source.workshop.status === 'completed' ? 'Completed' : 'Active'}`);
    expect(lines.some((line) => line.startsWith(`Progress: ${completed} of ${total} steps complete`))).toBe(
      true,
    );
    expect(lines).toContain('Started: 2025-03-01');
    expect(lines).toContain('Last updated: 2025-03-19');
  });

  it('marks every step with its status', () => {
    const marks = stepSections(document).map((section) =>
      section
        .flatMap((block) => (block.type === 'paragraph' ? plainText(block).split('\n') : []))
        .find((line) => line.startsWith('Status: ')),
    );
    expect(marks).toEqual(EXPECTED_MARKS[name as keyof typeof FIXTURES].map((mark) => `Status: ${mark}`));
  });

  it('contains no construct that only user text could have produced', () => {
    const injected = descendants(document).filter((node) => INJECTED_NODE_TYPES.has(node.type));
    expect(injected.map((node) => `${node.type}: ${plainText(node)}`)).toEqual([]);
  });

  it('never renders an empty section: steps without output say so', () => {
    for (const section of stepSections(document)) {
      expect(section.length).toBeGreaterThan(2);
    }
    const openSteps = source.steps.filter((step) => step.output === null && step.status !== 'complete');
    expect(lines.filter((line) => line === 'No output yet.')).toHaveLength(openSteps.length);
  });

  it('is byte-identical across renders', () => {
    expect(renderMarkdown(source)).toBe(markdown);
  });
});

describe('renderMarkdown: hostile user text', () => {
  const markdown = renderMarkdown(completeWorkshop);
  const document = parseMarkdown(markdown);
  const lines = paragraphLines(document);
  const html = new HtmlRenderer().render(document);

  it('keeps a hostile pack title literal in the H1', () => {
    expect(headings(document, 1)).toEqual(['Build pack: *Launch* <v2> [draft] #1']);
  });

  it('keeps a hostile original idea literal inside the quote', () => {
    const quote = descendants(document).find((node) => node.type === 'block_quote');
    expect(quote && children(quote).map(plainText)).toEqual([
      'An app that helps students share leftover food before it goes to waste.',
      '# Not a heading\n- not a list\n<script>alert(1)</script>',
    ]);
  });

  it.each(HOSTILE_STRINGS.map((text, index) => [text, index] as const))(
    'shows %j literally as a value, a list item and a line',
    (text, index) => {
      expect(lines).toContain(`Case${index}: ${text.trim()}`);
      const items = descendants(document).filter((node) => node.type === 'item');
      expect(items.map(plainText)).toContain(text.trim());
    },
  );

  it('keeps every line of multi-line hostile text literal, CRLF included', () => {
    const expected = HOSTILE_PARAGRAPH.split('\r\n')
      .map((line) => line.trim())
      .join('\n');
    const paragraphs = descendants(document).filter((node) => node.type === 'paragraph');
    expect(paragraphs.map(plainText)).toContain(expected);
  });

  it('keeps hostile keys literal in their labels', () => {
    for (const [key, value] of Object.entries(HOSTILE_KEYS)) {
      expect(lines).toContain(`${humaniseKey(key)}: ${value}`);
    }
  });

  it('only makes headings the renderer itself produced', () => {
    const texts = [3, 4, 5, 6].flatMap((level) => headings(document, level));
    expect(texts.filter((text) => /heading|Injected|^x$/i.test(text))).toEqual([]);
  });

  it('renders to HTML without raw tags, links or emphasis from user text', () => {
    for (const tag of ['<script', '<div', '<a ', '<img', '<code', '<pre', '<hr', '<em>', '<h1>#', '<table']) {
      expect(html).not.toContain(tag);
    }
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<strong>bold</strong>');
  });
});

describe('renderMarkdown: layout of outputs', () => {
  const document = parseMarkdown(renderMarkdown(completeWorkshop));
  const lines = paragraphLines(document);

  it('turns nested objects into sub-headings down to H6, then labelled lists', () => {
    expect(headings(document, 3)).toContain('Persona');
    expect(headings(document, 4)).toContain('Profile');
    expect(headings(document, 5)).toContain('Background');
    expect(headings(document, 6)).toContain('Education');
    const strong = descendants(document)
      .filter((node) => node.type === 'strong')
      .map(plainText);
    expect(strong).toEqual(expect.arrayContaining(['History', 'School', 'Detail']));
    expect(lines).toContain('Deepest: Seventh level');
  });

  it('humanises keys and lists array items', () => {
    expect(headings(document, 3)).toEqual(expect.arrayContaining(['Problem statement', 'Target users']));
    const items = descendants(document)
      .filter((node) => node.type === 'item')
      .map(plainText);
    expect(items).toEqual(expect.arrayContaining(['Students in halls', 'Canteen staff', 'Local food banks']));
  });

  it('lists arrays of objects as items of labelled values', () => {
    const items = descendants(document)
      .filter((node) => node.type === 'item')
      .map(plainText);
    expect(items.some((item) => item.startsWith('Name: Catering manager\nInfluence: high'))).toBe(true);
  });

  it('shows empty values as a dash and scalars for people', () => {
    for (const line of ['Ideas: —', 'Shortlist: —', 'Note: —', 'Chosen: —', 'Score: 4.5', 'Ready: Yes']) {
      expect(lines).toContain(line);
    }
    expect(lines).toContain('No output recorded.');
  });

  it('gives a long string its own paragraph under a heading', () => {
    expect(headings(document, 3)).toContain('Interview notes');
    expect(lines.some((line) => line.split(' ').length === 5000)).toBe(true);
  });

  it('marks a half-done workshop clearly', () => {
    const halfDone = paragraphLines(parseMarkdown(renderMarkdown(halfDoneWorkshop)));
    expect(halfDone).toContain('Status: Skipped by the user');
    expect(halfDone).toContain('Status: In progress — draft output');
    expect(halfDone).toContain('Progress: 4 of 10 steps complete (1 skipped by the user)');
  });
});

describe('renderMarkdownPaced', () => {
  it('renders the same text, handing the event loop back between blocks on the way', async () => {
    const source = {
      ...halfDoneWorkshop,
      steps: halfDoneWorkshop.steps.map((step) => ({
        ...step,
        output: { notes: 'word '.repeat(5_000), items: Array.from({ length: 2_000 }, (_, i) => `item ${i}`) },
      })),
    };
    let done = false;
    let turns = 0;
    const spin = () => {
      turns++;
      if (!done) setImmediate(spin);
    };
    setImmediate(spin);
    const text = await renderMarkdownPaced(source);
    done = true;
    // Rendered in one go, it would finish before the first immediate callback ran.
    expect(turns).toBeGreaterThan(10);
    expect(text).toBe(renderMarkdown(source));
  });
});
