/**
 * A step output reads back exactly as it was written, key order included, at every depth: in the step
 * answers, the AI context, the shared view and all three build-pack formats, and in the stored column.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flatten, readPdf } from '../build-pack/pdf-text';
import { createPack, getContent } from '../build-packs/support';
import { useTestApp } from '../support/test-app';
import { asJson, outputArbitrary } from './output-arbitrary';
import {
  type ContextBody,
  completeStep,
  createWorkshop,
  getContext,
  getStep,
  type JsonObject,
  putOutput,
  readJson,
  type StepWithOutputBody,
  stepPath,
  type Workshop,
} from './support';

const t = useTestApp();

/**
 * At every depth the keys are in an order a key-sorting store would change (it sorts by length, then
 * bytes). Each value is a distinct word, and at every level the short values come before the nested
 * ones, so a rendered pack shows the words in exactly this order.
 */
const AUTHORED: JsonObject = {
  statement: 'Leafaa',
  whoHasIt: 'Leafab',
  whyItMatters: 'Leafac',
  scope: 'Leafad',
  details: {
    zebra: 'Leafae',
    apple: 'Leafaf',
    evidence: {
      zz: 'Leafag',
      b: 'Leafah',
      aaa: 'Leafai',
      nested: {
        yy: 'Leafaj',
        x: 'Leafak',
        deeper: { last: 'Leafal', first: 'Leafam', a: 'Leafan' },
      },
    },
  },
  people: [
    { role: 'Leafao', name: 'Leafap' },
    { zed: 'Leafaq', alpha: 'Leafar', mid: [{ qq: 'Leafas', a: 'Leafat' }] },
  ],
};

/** The same document with every object's keys reversed, at every depth. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([key, item]) => [key, reversedKeys(item)]),
    );
  }
  return value;
}

const DOCUMENTS: [string, JsonObject][] = [
  ['as authored', AUTHORED],
  ['with every key order reversed', reversedKeys(AUTHORED) as JsonObject],
  [
    'with mixed values and Unicode keys',
    {
      zülu: { 'e\u0301': 1.5, é: -0.25, '👩‍💻': [true, false, null], ab: { ba: [], ab: {} } },
      α: 'grec',
      a: null,
      longest_key_of_all: { z: 'last', y: { c: 3, bb: 2, aaa: 1 } },
      '': 'empty key',
    },
  ],
];

/** The words of the document in reading order. */
function words(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(words);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(words);
  return [];
}

function expectInOrder(text: string, expected: readonly string[]) {
  const positions = expected.map((word) => text.indexOf(word));
  expect(
    positions.every((position) => position >= 0),
    `every word is shown: ${expected}`,
  ).toBe(true);
  const shown = [...expected].sort((a, b) => text.indexOf(a) - text.indexOf(b));
  expect(shown).toEqual(expected);
}

async function storedText(workshopId: string, stepId: string): Promise<string | undefined> {
  const { rows } = await t().database.sql.query<{ text: string }>(
    'select output::text as text from workshop_steps where workshop_id = $1 and step_id = $2',
    [workshopId, stepId],
  );
  return rows[0]?.text;
}

async function shareView(
  workshop: Workshop,
): Promise<{ steps: { id: string; output: JsonObject | null }[] }> {
  const share = await readJson<{ shareToken: string }>(
    await t().request(`/api/workshops/${workshop.id}/share`, { method: 'PUT', headers: workshop.headers }),
    200,
  );
  return readJson(await t().request(`/api/shared/${share.shareToken}`), 200);
}

async function packText(workshop: Workshop, format: 'markdown' | 'json'): Promise<string> {
  const pack = await createPack(t(), workshop, { format });
  const response = await getContent(t(), workshop, pack.id);
  expect(response.status).toBe(200);
  return response.text();
}

describe.each(DOCUMENTS)('an output %s', (_name, document) => {
  const exact = JSON.stringify(document);

  it('is answered, read back and stored as the very text it was written as', async () => {
    const workshop = await createWorkshop(t());

    const putResponse = await putOutput(t(), workshop, 'challenge', document);
    const putText = await putResponse.clone().text();
    expect(JSON.stringify((await readJson<StepWithOutputBody>(putResponse, 200)).output)).toBe(exact);
    expect(putText).toContain(`"output":${exact}`);

    const getResponse = await getStep(t(), workshop, 'challenge');
    const getText = await getResponse.clone().text();
    expect(JSON.stringify((await readJson<StepWithOutputBody>(getResponse, 200)).output)).toBe(exact);
    expect(getText).toContain(`"output":${exact}`);

    expect(await storedText(workshop.id, 'challenge')).toBe(exact);

    const completed = await readJson<StepWithOutputBody>(await completeStep(t(), workshop, 'challenge'), 200);
    expect(JSON.stringify(completed.output)).toBe(exact);
  });

  it('keeps its order in the AI context: earlierSteps and the prompt text', async () => {
    const workshop = await createWorkshop(t());
    await readJson(await putOutput(t(), workshop, 'challenge', document), 200);
    await readJson(await completeStep(t(), workshop, 'challenge'), 200);

    const response = await getContext(t(), workshop, 'stakeholder-mapping', { include: 'both' });
    const text = await response.clone().text();
    const context = await readJson<ContextBody>(response, 200);
    expect(JSON.stringify(context.earlierSteps?.[0]?.output)).toBe(exact);
    expect(text).toContain(`"output":${exact}`);
    expect(context.prompt).toContain(exact);
  });

  it('keeps its order in the shared view', async () => {
    const workshop = await createWorkshop(t());
    await readJson(await putOutput(t(), workshop, 'challenge', document), 200);

    const view = await shareView(workshop);
    expect(JSON.stringify(view.steps.find((step) => step.id === 'challenge')?.output)).toBe(exact);
  });

  it('keeps its order in the JSON build pack', async () => {
    const workshop = await createWorkshop(t());
    await readJson(await putOutput(t(), workshop, 'challenge', document), 200);

    const pack = JSON.parse(await packText(workshop, 'json')) as { steps: { output: JsonObject | null }[] };
    expect(JSON.stringify(pack.steps[0]?.output)).toBe(exact);
  });
});

describe('random outputs, keys in any order at every depth', () => {
  it('read back as the same text in the context, the shared view and the JSON pack', async () => {
    const workshop = await createWorkshop(t());
    await readJson(await putOutput(t(), workshop, 'challenge', {}), 200);
    await readJson(await completeStep(t(), workshop, 'challenge'), 200);
    const share = await readJson<{ shareToken: string }>(
      await t().request(`/api/workshops/${workshop.id}/share`, { method: 'PUT', headers: workshop.headers }),
      200,
    );
    const pack = await createPack(t(), workshop, { format: 'json' });

    await fc.assert(
      fc.asyncProperty(outputArbitrary(8_000), async (output) => {
        const exact = JSON.stringify(asJson(output));
        await readJson(await putOutput(t(), workshop, 'challenge', output), 200);

        const context = await readJson<ContextBody>(
          await getContext(t(), workshop, 'stakeholder-mapping', { include: 'steps' }),
          200,
        );
        expect(JSON.stringify(context.earlierSteps?.[0]?.output)).toBe(exact);

        const view = await readJson<{ steps: { output: JsonObject | null }[] }>(
          await t().request(`/api/shared/${share.shareToken}`),
          200,
        );
        expect(JSON.stringify(view.steps[0]?.output)).toBe(exact);

        const content = await getContent(t(), workshop, pack.id);
        expect(content.status).toBe(200);
        const document = JSON.parse(await content.text()) as { steps: { output: JsonObject | null }[] };
        expect(JSON.stringify(document.steps[0]?.output)).toBe(exact);
      }),
      { numRuns: 50 },
    );
  }, 120_000); // 200 requests: seconds alone, longer when the other suites share the CPU
});

describe('the rendered build packs show the fields in the order they were written', () => {
  it('Markdown', async () => {
    const workshop = await createWorkshop(t());
    await readJson(await putOutput(t(), workshop, 'challenge', AUTHORED), 200);

    const markdown = await packText(workshop, 'markdown');
    expectInOrder(markdown, words(AUTHORED));
    expectInOrder(markdown, ['**Statement**', '**Who has it**', '**Why it matters**', '**Scope**']);
    expectInOrder(markdown, ['### Details', '### People']);
  });

  it('PDF', async () => {
    const workshop = await createWorkshop(t());
    await readJson(await putOutput(t(), workshop, 'challenge', AUTHORED), 200);
    const pack = await createPack(t(), workshop, { format: 'pdf' });
    const response = await getContent(t(), workshop, pack.id);
    expect(response.status).toBe(200);

    const text = flatten((await readPdf(new Uint8Array(await response.arrayBuffer()))).pages.join('\n'));
    expectInOrder(text, words(AUTHORED));
    expectInOrder(text, ['Statement', 'Who has it', 'Why it matters', 'Scope', 'Details', 'People']);
  });
});

describe('keys that are array indices', () => {
  /*
   * Every JavaScript JSON parser, including the one that reads each request, puts keys such as "2" and
   * "10" first, in ascending numeric order. The order the server receives is the order it keeps.
   */
  it('come first in ascending numeric order, the same in every answer and in the column; other keys keep their place', async () => {
    const workshop = await createWorkshop(t());
    const sent = '{"b":1,"4294967295":2,"10":3,"2":4,"01":5,"a":{"z":0,"7":1,"-1":2,"3":3,"1.5":4}}';
    const kept = '{"2":4,"10":3,"b":1,"4294967295":2,"01":5,"a":{"3":3,"7":1,"z":0,"-1":2,"1.5":4}}';

    const response = await t().request(stepPath(workshop.id, 'challenge', '/output'), {
      method: 'PUT',
      body: `{"output":${sent}}`,
      headers: { ...workshop.headers, 'Content-Type': 'application/json' },
    });
    expect(await response.text()).toContain(`"output":${kept}`);
    expect(response.status).toBe(200);
    expect(await (await getStep(t(), workshop, 'challenge')).text()).toContain(`"output":${kept}`);
    expect(await storedText(workshop.id, 'challenge')).toBe(kept);

    await readJson(await completeStep(t(), workshop, 'challenge'), 200);
    const context = await readJson<ContextBody>(
      await getContext(t(), workshop, 'stakeholder-mapping', { include: 'steps' }),
      200,
    );
    expect(JSON.stringify(context.earlierSteps?.[0]?.output)).toBe(kept);
    const view = await shareView(workshop);
    expect(JSON.stringify(view.steps[0]?.output)).toBe(kept);
    const pack = JSON.parse(await packText(workshop, 'json')) as { steps: { output: JsonObject | null }[] };
    expect(JSON.stringify(pack.steps[0]?.output)).toBe(kept);
  });

  it('show in that same order in a rendered pack', async () => {
    const workshop = await createWorkshop(t());
    const response = await t().request(stepPath(workshop.id, 'challenge', '/output'), {
      method: 'PUT',
      body: '{"output":{"b":"Leafba","10":"Leafbb","a":"Leafbc","2":"Leafbd"}}',
      headers: { ...workshop.headers, 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(200);
    expectInOrder(await packText(workshop, 'markdown'), ['Leafbd', 'Leafbb', 'Leafba', 'Leafbc']);
  });
});
