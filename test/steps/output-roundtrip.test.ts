import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app';
import { asJson, outputArbitrary } from './output-arbitrary';
import {
  createWorkshop,
  getStep,
  type JsonObject,
  putOutput,
  readJson,
  type StepWithOutputBody,
  stepPath,
  type Workshop,
} from './support';

/** How many writes run at once; each lane has a workshop of its own, so reads never see another lane's write. */
const LANES = 20;
const RUNS = 50; // 50 runs × 20 objects = 1,000 outputs
const MAX_OUTPUT_BYTES = 16_000;

let t: TestApp;
let lanes: Workshop[];

beforeAll(async () => {
  t = await createTestApp();
  lanes = await Promise.all(Array.from({ length: LANES }, () => createWorkshop(t)));
});

afterAll(async () => {
  await t?.close();
});

async function readOutputRecord(workshopId: string): Promise<unknown> {
  const { rows } = await t.database.sql.query<{ output: unknown }>(
    "select output from workshop_steps where workshop_id = $1 and step_id = 'challenge'",
    [workshopId],
  );
  return rows[0]?.output;
}

/** The column as Postgres itself prints it: the text the next read is built from. */
async function readOutputText(workshopId: string): Promise<string | undefined> {
  const { rows } = await t.database.sql.query<{ text: string }>(
    "select output::text as text from workshop_steps where workshop_id = $1 and step_id = 'challenge'",
    [workshopId],
  );
  return rows[0]?.text;
}

/** Equal values with the keys in the same order at every depth: the same text once serialised. */
function expectSameDocument(actual: unknown, expected: unknown) {
  expect(actual).toEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

describe('step outputs round-trip', () => {
  it('1,000 random JSON objects are written and read back identical, key order at every depth included (answer, read and database)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(outputArbitrary(MAX_OUTPUT_BYTES), { minLength: LANES, maxLength: LANES }),
        async (outputs) => {
          // Every lane settles before the run ends, so no write of a failed run lands in the next one.
          const lanesSettled = await Promise.allSettled(
            outputs.map(async (output, lane) => {
              const workshop = lanes[lane] as Workshop;
              const expected = asJson(output);

              const written = await readJson<StepWithOutputBody>(
                await putOutput(t, workshop, 'challenge', output),
                200,
              );
              expectSameDocument(written.output, expected);

              const read = await readJson<StepWithOutputBody>(await getStep(t, workshop, 'challenge'), 200);
              expectSameDocument(read.output, expected);

              expectSameDocument(await readOutputRecord(workshop.id), expected);
              expect(await readOutputText(workshop.id)).toBe(JSON.stringify(expected));
            }),
          );
          const failed = lanesSettled.find((lane) => lane.status === 'rejected');
          if (failed) throw failed.reason;
        },
      ),
      { numRuns: RUNS },
    );
  }, 120_000); // ~2,000 requests: seconds alone, longer when the other suites share the CPU
});

/** Strings that break naive text handling; each must come back byte for byte, as a value and as a key. */
const TRICKY: Record<string, string> = {
  zwjFamily: '👨‍👩‍👧‍👦',
  skinTones: '👍🏽👋🏿🧑🏻‍💻',
  flags: '🇳🇱🇯🇵🏴‍☠️',
  arabic: 'مرحبا بالعالم',
  hebrew: 'שלום עולם',
  mixedBidi: 'abc אבג 123 مرحبا\u200F!\u202Eevil\u202C',
  decomposed: 'e\u0301 a\u0308 n\u0303',
  precomposed: 'é ä ñ',
  zalgo: 'Z\u0324\u0354\u0367\u0311\u0313a\u0308\u0356\u032D\u0308\u0307l\u036E\u0312\u036B',
  astral: '𝄞 𠜎 😀 𝕏 🀄',
  bom: '\uFEFFstarts with a BOM\uFEFF',
  lineSeparators: 'a\u2028b\u2029c',
  zeroWidth: 'zero\u200Bwidth\u200Cnon\u200Djoiner',
  controls: 'tab\tnew\nline\r\u0001\u001F\u007F\u0085',
  quotesAndSlashes: '"quoted" \\ back/slash \\u0000 (literally)',
  nonCharacters: '\uFFFE\uFFFF\u{10FFFF}',
  cjk: '漢字かなカナ한국어',
  whitespaceOnly: ' \u00A0\u3000 ',
};

describe('Unicode in step outputs', () => {
  it('every tricky string round-trips byte for byte as a value: answer, read, and the database', async () => {
    const workshop = await createWorkshop(t);
    const output: JsonObject = { ...TRICKY, nested: { list: Object.values(TRICKY) } };

    const written = await readJson<StepWithOutputBody>(
      await putOutput(t, workshop, 'challenge', output),
      200,
    );
    const read = await readJson<StepWithOutputBody>(await getStep(t, workshop, 'challenge'), 200);
    expect(written.output).toEqual(output);
    expect(read.output).toEqual(output);

    for (const [key, value] of Object.entries(TRICKY)) {
      expect(Buffer.from(String(read.output?.[key]))).toEqual(Buffer.from(value));
      const { rows } = await t.database.sql.query<{ value: string }>(
        "select output ->> $2 as value from workshop_steps where workshop_id = $1 and step_id = 'challenge'",
        [workshop.id, key],
      );
      expect(rows[0]?.value, key).toBe(value);
      expect(Buffer.from(rows[0]?.value ?? '')).toEqual(Buffer.from(value));
    }
    expect(await readOutputRecord(workshop.id)).toEqual(output);
  });

  it('every tricky string round-trips byte for byte as a key', async () => {
    const workshop = await createWorkshop(t);
    const output: JsonObject = Object.fromEntries(
      Object.entries(TRICKY).map(([name, value]) => [value, name]),
    );

    const written = await readJson<StepWithOutputBody>(
      await putOutput(t, workshop, 'challenge', output),
      200,
    );
    const read = await readJson<StepWithOutputBody>(await getStep(t, workshop, 'challenge'), 200);
    expect(written.output).toEqual(output);
    expect(read.output).toEqual(output);
    expect(Object.keys(read.output ?? {}).sort()).toEqual(Object.values(TRICKY).sort());

    const { rows } = await t.database.sql.query<{ key: string }>(
      "select json_object_keys(output) as key from workshop_steps where workshop_id = $1 and step_id = 'challenge'",
      [workshop.id],
    );
    expect(rows.map((row) => row.key).sort()).toEqual(Object.values(TRICKY).sort());
  });

  it('precomposed and decomposed forms stay distinct keys (no normalisation)', async () => {
    const workshop = await createWorkshop(t);
    const output = { é: 'precomposed', 'e\u0301': 'decomposed' };
    await readJson(await putOutput(t, workshop, 'challenge', output), 200);
    const read = await readJson<StepWithOutputBody>(await getStep(t, workshop, 'challenge'), 200);
    expect(read.output).toEqual(output);
    expect(Object.keys(read.output ?? {})).toHaveLength(2);
  });
});

describe('keys that are special in JavaScript', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'a key named %s is ordinary JSON and is kept',
    async (key) => {
      const workshop = await createWorkshop(t);
      const body = `{"output": {"${key}": "kept", "other": 1}}`;
      const response = await t.request(stepPath(workshop.id, 'challenge', '/output'), {
        method: 'PUT',
        body,
        headers: { ...workshop.headers, 'Content-Type': 'application/json' },
      });
      const expected = JSON.parse(`{"${key}": "kept", "other": 1}`) as JsonObject;

      const written = await readJson<StepWithOutputBody>(response, 200);
      expect(written.output).toEqual(expected);
      const read = await readJson<StepWithOutputBody>(await getStep(t, workshop, 'challenge'), 200);
      expect(read.output).toEqual(expected);
      expect(Object.hasOwn(read.output ?? {}, key)).toBe(true);

      const { rows } = await t.database.sql.query<{ value: string | null }>(
        "select output ->> $2 as value from workshop_steps where workshop_id = $1 and step_id = 'challenge'",
        [workshop.id, key],
      );
      expect(rows[0]?.value).toBe('kept');
    },
  );
});
