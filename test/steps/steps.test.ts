import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../support/problem';
import { createTestApp, jsonBody, type TestApp } from '../support/test-app';
import {
  addMember,
  type ContextBody,
  completeFirst,
  completeStep,
  createWorkshop,
  getContext,
  getStep,
  type Headers,
  ISO_UTC,
  type JsonObject,
  putOutput,
  readJson,
  STEP_IDS,
  STEPS,
  type StepBody,
  type StepWithOutputBody,
  sessionsOf,
  stepPath,
  stepRecord,
  stepRecords,
  type Workshop,
  type WorkshopBody,
  type WorkshopDetailBody,
  workshopRecord,
} from './support';

const OUTPUT_LIMIT = 256 * 1024;

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

afterAll(async () => {
  await t?.close();
});

const listSteps = async (workshop: Workshop, headers: Headers = workshop.headers) =>
  readJson<{ items: StepBody[] }>(await t.request(`/api/workshops/${workshop.id}/steps`, { headers }), 200);

const getWorkshop = async (workshop: Workshop) =>
  readJson<WorkshopDetailBody>(
    await t.request(`/api/workshops/${workshop.id}`, { headers: workshop.headers }),
    200,
  );

/** An output `levels` objects deep, counting the output object itself as the first, with a string at the bottom. */
function nested(levels: number): JsonObject {
  const output: JsonObject = {};
  let current = output;
  for (let level = 1; level < levels; level++) {
    const next: JsonObject = {};
    current.deeper = next;
    current = next;
  }
  current.leaf = 'bottom';
  return output;
}

/** Everything the database holds about a workshop's steps and status, to prove a refused request wrote nothing. */
async function snapshot(workshop: Workshop) {
  return { steps: await stepRecords(t, workshop.id), workshop: await workshopRecord(t, workshop.id) };
}

const ODD_STEP_IDS: [string, string][] = [
  ['SQL', "'; drop table workshop_steps; --"],
  ['a relative path', '../x'],
  ['a dotted path', '..'],
  ['10 KB', 's'.repeat(10_000)],
  ['an emoji', '🚀'],
  ['a NUL', '\u0000'],
  ['upper case', 'CHALLENGE'],
  ['a well-formed slug that is no step', 'no-such-step'],
];

describe('GET /api/workshops/{workshopId}/steps', () => {
  it('lists the ten steps in order with definition fields; only the first is available at first', async () => {
    const workshop = await createWorkshop(t);
    const { items } = await listSteps(workshop);

    expect(items.map((step) => ({ id: step.id, name: step.name }))).toEqual(
      STEPS.map(({ id, name }) => ({ id, name })),
    );
    expect(items.map((step) => step.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(items.map((step) => step.available)).toEqual([
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    for (const step of items) {
      expect(step).toMatchObject({
        status: 'not_started',
        completion: null,
        startedAt: null,
        completedAt: null,
      });
      expect(step.description.length).toBeGreaterThan(0);
      expect(step.updatedAt).toMatch(ISO_UTC);
      expect(step).not.toHaveProperty('output');
    }
  });

  it('makes the next step available once every earlier one is complete', async () => {
    const workshop = await createWorkshop(t);
    await completeFirst(t, workshop, 2);
    const { items } = await listSteps(workshop);
    expect(items.map((step) => step.available)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(items.map((step) => step.status).slice(0, 3)).toEqual(['complete', 'complete', 'not_started']);
  });

  describe('the forms of the earlier outputs', () => {
    const long = 'night-shift canteen '.repeat(2_000);
    const output = { finding: long, marker: 'once' };

    async function contextAfterChallenge(include?: string) {
      const workshop = await createWorkshop(t);
      await readJson(await putOutput(t, workshop, 'challenge', output), 200);
      await readJson(await completeStep(t, workshop, 'challenge'), 200);
      const response = await getContext(t, workshop, 'stakeholder-mapping', {
        ...(include === undefined ? {} : { include }),
      });
      const text = await response.clone().text();
      return { text, context: await readJson<ContextBody>(response, 200) };
    }
    const copies = (text: string) => text.split(long).length - 1;

    it('sends each output once by default: in the prompt, ready for an AI, and no earlierSteps', async () => {
      const { text, context } = await contextAfterChallenge();
      expect(context.earlierSteps).toBeUndefined();
      expect(context.prompt).toContain(JSON.stringify(output));
      expect(copies(text)).toBe(1);
    });

    it('sends earlierSteps alone for include=steps, and the two for include=both', async () => {
      const steps = await contextAfterChallenge('steps');
      expect(steps.context.prompt).toBeUndefined();
      expect(steps.context.earlierSteps?.map((step) => step.output)).toEqual([output]);
      expect(copies(steps.text)).toBe(1);

      const both = await contextAfterChallenge('both');
      expect(both.context.earlierSteps?.map((step) => step.output)).toEqual([output]);
      expect(both.context.prompt).toContain(JSON.stringify(output));
      expect(copies(both.text)).toBe(2);
    });

    it('refuses an unknown form with a 400 naming include, and records no activity', async () => {
      const workshop = await createWorkshop(t);
      for (const include of ['everything', 'PROMPT', '']) {
        const problem = await expectProblem(
          await getContext(t, workshop, 'challenge', { include }),
          400,
          'validation_failed',
        );
        expect(problem.errors?.map((error) => error.path)).toEqual(['include']);
      }
      expect(await sessionsOf(t, workshop.id)).toEqual([]);
    });
  });

  it('is open to a viewer', async () => {
    const workshop = await createWorkshop(t);
    const viewer = await addMember(t, workshop, 'viewer');
    expect((await listSteps(workshop, viewer)).items).toHaveLength(10);
  });
});

describe('GET /api/workshops/{workshopId}/steps/{stepId}', () => {
  it('answers one step with a null output and an ETag', async () => {
    const workshop = await createWorkshop(t);
    const response = await getStep(t, workshop, 'challenge');
    const step = await readJson<StepWithOutputBody>(response, 200);

    expect(step).toMatchObject({
      id: 'challenge',
      position: 1,
      name: 'Challenge',
      status: 'not_started',
      completion: null,
      available: true,
      startedAt: null,
      completedAt: null,
      output: null,
    });
    expect(response.headers.get('etag')).toMatch(/^"[^"]+"$/);
    const listed = (await listSteps(workshop)).items[0];
    const { output: _output, ...withoutOutput } = step;
    expect(withoutOutput).toEqual(listed);
  });

  it('answers 304 with no body to an If-None-Match naming the current version, 200 once it changed', async () => {
    const workshop = await createWorkshop(t);
    const etag = (await getStep(t, workshop, 'challenge')).headers.get('etag') ?? '';

    const unchanged = await getStep(t, workshop, 'challenge', { extra: { 'If-None-Match': etag } });
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe('');
    expect(unchanged.headers.get('etag')).toBe(etag);

    await readJson(await putOutput(t, workshop, 'challenge', { problem: 'changed' }), 200);
    const changed = await getStep(t, workshop, 'challenge', { extra: { 'If-None-Match': etag } });
    const step = await readJson<StepWithOutputBody>(changed, 200);
    expect(step.output).toEqual({ problem: 'changed' });
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('shows a later, unavailable step too (reading is not gated), marked unavailable', async () => {
    const workshop = await createWorkshop(t);
    const step = await readJson<StepWithOutputBody>(await getStep(t, workshop, 'validate'), 200);
    expect(step).toMatchObject({ id: 'validate', position: 10, available: false, output: null });
  });

  it('is open to a viewer', async () => {
    const workshop = await createWorkshop(t);
    const viewer = await addMember(t, workshop, 'viewer');
    await readJson(await putOutput(t, workshop, 'challenge', { seen: 'by a viewer' }), 200);
    const step = await readJson<StepWithOutputBody>(
      await getStep(t, workshop, 'challenge', { headers: viewer }),
      200,
    );
    expect(step.output).toEqual({ seen: 'by a viewer' });
  });
});

describe('odd step ids', () => {
  let workshop: Workshop;
  beforeAll(async () => {
    workshop = await createWorkshop(t);
  });

  it.each(ODD_STEP_IDS)('%s is a 404 on every step route, never a 500', async (_label, odd) => {
    const stepId = encodeURIComponent(odd);
    const before = await snapshot(workshop);
    const responses = [
      await t.request(stepPath(workshop.id, stepId), { headers: workshop.headers }),
      await t.request(stepPath(workshop.id, stepId, '/context'), { headers: workshop.headers }),
      await t.request(stepPath(workshop.id, stepId, '/output'), {
        method: 'PUT',
        ...jsonBody({ output: { a: 1 } }, workshop.headers),
      }),
      await t.request(stepPath(workshop.id, stepId, '/complete'), {
        method: 'POST',
        ...jsonBody({ by: 'ai' }, workshop.headers),
      }),
    ];
    for (const response of responses) await expectProblem(response, 404, 'not_found');
    expect(await snapshot(workshop)).toEqual(before);
  });
});

describe('PUT /api/workshops/{workshopId}/steps/{stepId}/output', () => {
  it('saves the output and starts a not-started step: in_progress, started_at set, in the answer and the database', async () => {
    const workshop = await createWorkshop(t);
    const output = {
      problem: 'Night nurses eat from vending machines',
      who: ['nurses', 'porters'],
      urgency: 4,
    };
    const response = await putOutput(t, workshop, 'challenge', output);
    const step = await readJson<StepWithOutputBody>(response, 200);

    expect(step).toMatchObject({
      id: 'challenge',
      status: 'in_progress',
      completion: null,
      completedAt: null,
      output,
    });
    expect(step.startedAt).toMatch(ISO_UTC);

    const record = await stepRecord(t, workshop.id, 'challenge');
    expect(record).toMatchObject({ status: 'in_progress', output, completion: null, completed_at: null });
    expect(record.started_at?.toISOString()).toBe(step.startedAt);
    expect(record.updated_at.toISOString()).toBe(step.updatedAt);

    // The ETag of the answer is the version a later GET names.
    const etag = response.headers.get('etag');
    expect(etag).toMatch(/^"[^"]+"$/);
    expect((await getStep(t, workshop, 'challenge')).headers.get('etag')).toBe(etag);
  });

  it('overwrites the whole object on re-edit (no merge) and keeps started_at', async () => {
    const workshop = await createWorkshop(t);
    const first = await readJson<StepWithOutputBody>(
      await putOutput(t, workshop, 'challenge', { keep: 'no', nested: { a: 1, b: 2 } }),
      200,
    );
    const second = await readJson<StepWithOutputBody>(
      await putOutput(t, workshop, 'challenge', { nested: { c: 3 } }),
      200,
    );

    expect(second.output).toEqual({ nested: { c: 3 } });
    expect(second.status).toBe('in_progress');
    expect(second.startedAt).toBe(first.startedAt);
    expect(new Date(second.updatedAt).getTime()).toBeGreaterThan(new Date(first.updatedAt).getTime());

    const record = await stepRecord(t, workshop.id, 'challenge');
    expect(record.output).toEqual({ nested: { c: 3 } });
    expect(record.started_at?.toISOString()).toBe(first.startedAt);
  });

  it('accepts an empty object', async () => {
    const workshop = await createWorkshop(t);
    const step = await readJson<StepWithOutputBody>(await putOutput(t, workshop, 'challenge', {}), 200);
    expect(step.output).toEqual({});
    expect((await stepRecord(t, workshop.id, 'challenge')).output).toEqual({});
  });

  it('moves a draft workshop to active', async () => {
    const workshop = await createWorkshop(t);
    expect((await workshopRecord(t, workshop.id)).status).toBe('draft');
    await readJson(await putOutput(t, workshop, 'challenge', { a: 1 }), 200);
    expect((await workshopRecord(t, workshop.id)).status).toBe('active');
    expect((await getWorkshop(workshop)).status).toBe('active');
  });

  it('moves a paused workshop back to active, and so does completing a step', async () => {
    const pause = (workshop: Workshop) =>
      t.request(`/api/workshops/${workshop.id}`, {
        method: 'PATCH',
        ...jsonBody({ status: 'paused' }, workshop.headers),
      });
    const saved = await createWorkshop(t);
    await readJson(await pause(saved), 200);
    await readJson(await putOutput(t, saved, 'challenge', { a: 1 }), 200);
    expect((await workshopRecord(t, saved.id)).status).toBe('active');

    const completed = await createWorkshop(t);
    await readJson(await pause(completed), 200);
    await readJson(await completeStep(t, completed, 'challenge'), 200);
    expect((await workshopRecord(t, completed.id)).status).toBe('active');
  });

  it('is open to an editor', async () => {
    const workshop = await createWorkshop(t);
    const editor = await addMember(t, workshop, 'editor');
    await readJson(await putOutput(t, workshop, 'challenge', { by: 'editor' }, { headers: editor }), 200);
    expect((await stepRecord(t, workshop.id, 'challenge')).output).toEqual({ by: 'editor' });
  });

  describe('If-Match', () => {
    it('saves when it names the current version, and answers the new version', async () => {
      const workshop = await createWorkshop(t);
      const etag = (await getStep(t, workshop, 'challenge')).headers.get('etag') ?? '';
      const response = await putOutput(t, workshop, 'challenge', { v: 1 }, { extra: { 'If-Match': etag } });
      await readJson(response, 200);
      expect(response.headers.get('etag')).not.toBe(etag);
      expect((await stepRecord(t, workshop.id, 'challenge')).output).toEqual({ v: 1 });

      // And again with the version the first write answered.
      const next = response.headers.get('etag') ?? '';
      await readJson(
        await putOutput(t, workshop, 'challenge', { v: 2 }, { extra: { 'If-Match': next } }),
        200,
      );
      expect((await stepRecord(t, workshop.id, 'challenge')).output).toEqual({ v: 2 });
    });

    it('answers 412 to a stale version and leaves the database as it was', async () => {
      const workshop = await createWorkshop(t);
      const stale = (await getStep(t, workshop, 'challenge')).headers.get('etag') ?? '';
      await readJson(await putOutput(t, workshop, 'challenge', { v: 'theirs' }), 200);
      const before = await snapshot(workshop);

      const response = await putOutput(
        t,
        workshop,
        'challenge',
        { v: 'mine' },
        { extra: { 'If-Match': stale } },
      );
      const problem = await expectProblem(response, 412, 'precondition_failed');
      // The problem names the current version, the one a fresh GET answers.
      expect(problem.currentETag).toBe((await getStep(t, workshop, 'challenge')).headers.get('etag'));
      expect(await snapshot(workshop)).toEqual(before);
      expect((await stepRecord(t, workshop.id, 'challenge')).output).toEqual({ v: 'theirs' });
    });

    it('answers 412 to a tag that names no version at all', async () => {
      const workshop = await createWorkshop(t);
      const before = await snapshot(workshop);
      await expectProblem(
        await putOutput(t, workshop, 'challenge', { v: 1 }, { extra: { 'If-Match': '"garbage"' } }),
        412,
        'precondition_failed',
      );
      expect(await snapshot(workshop)).toEqual(before);
    });

    it('saves with If-Match: * (any current version)', async () => {
      const workshop = await createWorkshop(t);
      await readJson(
        await putOutput(t, workshop, 'challenge', { v: 1 }, { extra: { 'If-Match': '*' } }),
        200,
      );
      expect((await stepRecord(t, workshop.id, 'challenge')).output).toEqual({ v: 1 });
    });
  });

  it('refuses a later step while an earlier one is incomplete: 409 step_unavailable, nothing written', async () => {
    const workshop = await createWorkshop(t);
    await readJson(await putOutput(t, workshop, 'challenge', { started: true }), 200);
    const before = await snapshot(workshop);

    for (const stepId of ['stakeholder-mapping', 'validate']) {
      await expectProblem(await putOutput(t, workshop, stepId, { early: true }), 409, 'step_unavailable');
    }
    expect(await snapshot(workshop)).toEqual(before);
  });

  it('leaves a draft workshop draft when the write is refused as unavailable', async () => {
    const workshop = await createWorkshop(t);
    await expectProblem(await putOutput(t, workshop, 'persona', { early: true }), 409, 'step_unavailable');
    expect((await workshopRecord(t, workshop.id)).status).toBe('draft');
    expect((await stepRecord(t, workshop.id, 'persona')).status).toBe('not_started');
  });

  describe('size', () => {
    it('refuses an output over 256 KiB (an honest 300 KB string) with 413, nothing written', async () => {
      const workshop = await createWorkshop(t);
      const before = await snapshot(workshop);
      const response = await putOutput(t, workshop, 'challenge', { text: 'x'.repeat(300_000) });
      await expectProblem(response, 413, 'payload_too_large');
      expect(await snapshot(workshop)).toEqual(before);
    });

    it('accepts an output of exactly 256 KiB of JSON and stores it whole', async () => {
      const workshop = await createWorkshop(t);
      const output = { s: 'x'.repeat(OUTPUT_LIMIT - '{"s":""}'.length) };
      expect(Buffer.byteLength(JSON.stringify(output))).toBe(OUTPUT_LIMIT);
      await readJson(await putOutput(t, workshop, 'challenge', output), 200);
      expect((await stepRecord(t, workshop.id, 'challenge')).output).toEqual(output);
    });

    it('refuses one byte more with 413, nothing written', async () => {
      const workshop = await createWorkshop(t);
      const before = await snapshot(workshop);
      const output = { s: 'x'.repeat(OUTPUT_LIMIT - '{"s":""}'.length + 1) };
      await expectProblem(await putOutput(t, workshop, 'challenge', output), 413, 'payload_too_large');
      expect(await snapshot(workshop)).toEqual(before);
    });

    it('counts UTF-8 bytes, not UTF-16 code units (130 k two-byte characters are over the limit)', async () => {
      const workshop = await createWorkshop(t);
      const before = await snapshot(workshop);
      const output = { s: 'é'.repeat(131_070) };
      expect(JSON.stringify(output).length).toBeLessThan(OUTPUT_LIMIT);
      expect(Buffer.byteLength(JSON.stringify(output))).toBeGreaterThan(OUTPUT_LIMIT);
      await expectProblem(await putOutput(t, workshop, 'challenge', output), 413, 'payload_too_large');
      expect(await snapshot(workshop)).toEqual(before);
    });
  });

  describe('bad input (400, nothing written)', () => {
    let workshop: Workshop;
    let before: Awaited<ReturnType<typeof snapshot>>;
    beforeAll(async () => {
      workshop = await createWorkshop(t);
      await readJson(await putOutput(t, workshop, 'challenge', { original: true }), 200);
      before = await snapshot(workshop);
    });

    const send = (body: string) =>
      t.request(stepPath(workshop.id, 'challenge', '/output'), {
        method: 'PUT',
        body,
        headers: { ...workshop.headers, 'Content-Type': 'application/json' },
      });

    it.each([
      ['an array', '{"output": [1, 2]}'],
      ['a string', '{"output": "text"}'],
      ['a number', '{"output": 42}'],
      ['a boolean', '{"output": true}'],
      ['null', '{"output": null}'],
      ['missing', '{}'],
      ['next to an unknown field', '{"output": {}, "status": "complete"}'],
      ['a NUL in a value', '{"output": {"a": "x\\u0000y"}}'],
      ['a NUL in a key', '{"output": {"a\\u0000b": 1}}'],
      ['a NUL deep inside', '{"output": {"a": [{"b": ["ok", "\\u0000"]}]}}'],
      ['a NUL in a nested key', '{"output": {"a": {"\\u0000": 1}}}'],
    ])('output %s', async (_label, body) => {
      const problem = await expectProblem(await send(body), 400, 'validation_failed');
      expect(problem.errors?.length).toBeGreaterThan(0);
      expect(await snapshot(workshop)).toEqual(before);
    });

    it('says the output wrapper is required when it is missing, and what it is when it is of the wrong kind', async () => {
      const missing = await expectProblem(await send('{"problem": "x"}'), 400, 'validation_failed');
      expect(missing.errors).toContainEqual({ path: 'output', message: 'required' });
      const wrongKind = await expectProblem(await send('{"output": [1]}'), 400, 'validation_failed');
      expect(wrongKind.errors).toEqual([{ path: 'output', message: 'must be a JSON object' }]);
    });

    it('malformed JSON', async () => {
      await expectProblem(await send('{"output": {'), 400, 'malformed_json');
      expect(await snapshot(workshop)).toEqual(before);
    });

    it('nesting 65 levels deep (64 is the limit)', async () => {
      await expectProblem(await send(JSON.stringify({ output: nested(65) })), 400, 'validation_failed');
      expect(await snapshot(workshop)).toEqual(before);
    });

    it('nesting far deeper, in arrays (1,000 levels)', async () => {
      const body = `{"output": {"a": ${'['.repeat(1000)}${']'.repeat(1000)}}}`;
      await expectProblem(await send(body), 400, 'validation_failed');
      expect(await snapshot(workshop)).toEqual(before);
    });
  });

  it('accepts nesting 64 levels deep (the output object being the first), and reads it back', async () => {
    const workshop = await createWorkshop(t);
    const output = nested(64);
    await readJson(await putOutput(t, workshop, 'challenge', output), 200);
    const step = await readJson<StepWithOutputBody>(await getStep(t, workshop, 'challenge'), 200);
    expect(step.output).toEqual(output);
  });
});

describe('POST /api/workshops/{workshopId}/steps/{stepId}/complete', () => {
  it('{by: "ai"} completes the step: complete, ai_confirmed, completed_at set (answer and database)', async () => {
    const workshop = await createWorkshop(t);
    await readJson(await putOutput(t, workshop, 'challenge', { problem: 'p' }), 200);
    const response = await completeStep(t, workshop, 'challenge', { by: 'ai' });
    const step = await readJson<StepWithOutputBody>(response, 200);

    expect(step).toMatchObject({
      id: 'challenge',
      status: 'complete',
      completion: 'ai_confirmed',
      output: { problem: 'p' },
    });
    expect(step.completedAt).toMatch(ISO_UTC);
    expect(response.headers.get('etag')).toMatch(/^"[^"]+"$/);

    const record = await stepRecord(t, workshop.id, 'challenge');
    expect(record).toMatchObject({
      status: 'complete',
      completion: 'ai_confirmed',
      output: { problem: 'p' },
    });
    expect(record.completed_at?.toISOString()).toBe(step.completedAt);
    expect((await workshopRecord(t, workshop.id)).status).toBe('active');
  });

  it('completes a step that was never started, and starts it too', async () => {
    const workshop = await createWorkshop(t);
    const step = await readJson<StepWithOutputBody>(
      await completeStep(t, workshop, 'challenge', { by: 'ai' }),
      200,
    );
    expect(step).toMatchObject({ status: 'complete', output: null });
    const record = await stepRecord(t, workshop.id, 'challenge');
    expect(record.started_at).not.toBeNull();
    expect(record.completed_at).not.toBeNull();
    expect((await workshopRecord(t, workshop.id)).status).toBe('active');
  });

  it.each([
    ['without confirm', { by: 'user' }],
    ['with confirm: false', { by: 'user', confirm: false }],
  ])('{by: "user"} %s is 428 confirmation_required and writes nothing', async (_label, body) => {
    const workshop = await createWorkshop(t);
    const before = await snapshot(workshop);
    await expectProblem(await completeStep(t, workshop, 'challenge', body), 428, 'confirmation_required');
    expect(await snapshot(workshop)).toEqual(before);
  });

  it('{by: "user", confirm: true} skips the step: complete, user_skipped', async () => {
    const workshop = await createWorkshop(t);
    const step = await readJson<StepWithOutputBody>(
      await completeStep(t, workshop, 'challenge', { by: 'user', confirm: true }),
      200,
    );
    expect(step).toMatchObject({ status: 'complete', completion: 'user_skipped' });
    expect(await stepRecord(t, workshop.id, 'challenge')).toMatchObject({
      status: 'complete',
      completion: 'user_skipped',
    });
  });

  it.each([
    ['by the AI', { by: 'ai' }],
    ['skipped by the user', { by: 'user', confirm: true }],
  ])('refuses an unavailable step %s with 409 step_unavailable, nothing written', async (_label, body) => {
    const workshop = await createWorkshop(t);
    const before = await snapshot(workshop);
    await expectProblem(
      await completeStep(t, workshop, 'stakeholder-mapping', body),
      409,
      'step_unavailable',
    );
    await expectProblem(await completeStep(t, workshop, 'validate', body), 409, 'step_unavailable');
    expect(await snapshot(workshop)).toEqual(before);
  });

  it('is idempotent: completing twice answers 200 and keeps completed_at and completion', async () => {
    const workshop = await createWorkshop(t);
    const first = await readJson<StepWithOutputBody>(
      await completeStep(t, workshop, 'challenge', { by: 'ai' }),
      200,
    );
    const recordAfterFirst = await stepRecord(t, workshop.id, 'challenge');
    const workshopAfterFirst = await workshopRecord(t, workshop.id);

    const again = await readJson<StepWithOutputBody>(
      await completeStep(t, workshop, 'challenge', { by: 'ai' }),
      200,
    );
    const skipped = await readJson<StepWithOutputBody>(
      await completeStep(t, workshop, 'challenge', { by: 'user', confirm: true }),
      200,
    );

    for (const answer of [again, skipped]) {
      expect(answer).toMatchObject({
        status: 'complete',
        completion: 'ai_confirmed',
        completedAt: first.completedAt,
      });
    }
    expect(await stepRecord(t, workshop.id, 'challenge')).toEqual(recordAfterFirst);
    expect(await workshopRecord(t, workshop.id)).toEqual(workshopAfterFirst);
  });

  it('re-editing a complete step overwrites its output and keeps it complete', async () => {
    const workshop = await createWorkshop(t);
    await readJson(await putOutput(t, workshop, 'challenge', { draft: 1 }), 200);
    const completed = await readJson<StepWithOutputBody>(await completeStep(t, workshop, 'challenge'), 200);

    const edited = await readJson<StepWithOutputBody>(
      await putOutput(t, workshop, 'challenge', { final: 2 }),
      200,
    );
    expect(edited).toMatchObject({
      status: 'complete',
      completion: 'ai_confirmed',
      completedAt: completed.completedAt,
      output: { final: 2 },
    });
    expect(await stepRecord(t, workshop.id, 'challenge')).toMatchObject({
      status: 'complete',
      completion: 'ai_confirmed',
      output: { final: 2 },
    });
    // The next step stays available.
    const { items } = await listSteps(workshop);
    expect(items[1]?.available).toBe(true);
  });

  it.each([
    ['an unknown "by"', { by: 'robot' }],
    ['an empty body', {}],
    ['confirm with the AI', { by: 'ai', confirm: true }],
    ['an unknown field', { by: 'ai', completion: 'user_skipped' }],
    ['confirm of the wrong type', { by: 'user', confirm: 'yes' }],
  ])('refuses %s with 400, nothing written', async (_label, body) => {
    const workshop = await createWorkshop(t);
    const before = await snapshot(workshop);
    await expectProblem(await completeStep(t, workshop, 'challenge', body), 400, 'validation_failed');
    expect(await snapshot(workshop)).toEqual(before);
  });
});

describe('progress through the ten steps', () => {
  it('currentStepId and progress on GET workshop and the workshop list follow the steps', async () => {
    const workshop = await createWorkshop(t);
    const listed = async () => {
      const body = await readJson<{ items: WorkshopBody[] }>(
        await t.request('/api/workshops', { headers: workshop.headers }),
        200,
      );
      return body.items.find((item) => item.id === workshop.id);
    };

    expect(await getWorkshop(workshop)).toMatchObject({
      currentStepId: 'challenge',
      progress: { completed: 0, total: 10 },
    });
    expect(await listed()).toMatchObject({
      currentStepId: 'challenge',
      progress: { completed: 0, total: 10 },
    });

    // Saving an output starts a step but does not move the current step.
    await readJson(await putOutput(t, workshop, 'challenge', { a: 1 }), 200);
    expect(await getWorkshop(workshop)).toMatchObject({
      currentStepId: 'challenge',
      progress: { completed: 0 },
    });

    await completeFirst(t, workshop, 3);
    expect(await getWorkshop(workshop)).toMatchObject({
      status: 'active',
      currentStepId: 'sense-making',
      progress: { completed: 3, total: 10 },
    });
    expect(await listed()).toMatchObject({
      currentStepId: 'sense-making',
      progress: { completed: 3, total: 10 },
    });
  });

  it('walking all ten steps (confirmed and skipped) completes the workshop: 10/10, no current step', async () => {
    const workshop = await createWorkshop(t);
    for (const [index, stepId] of STEP_IDS.entries()) {
      await readJson(await putOutput(t, workshop, stepId, { step: stepId, index }), 200);
      const by = index % 3 === 1 ? { by: 'user', confirm: true } : { by: 'ai' };
      const step = await readJson<StepWithOutputBody>(await completeStep(t, workshop, stepId, by), 200);
      expect(step.status).toBe('complete');
      const expectedStatus = index === STEP_IDS.length - 1 ? 'completed' : 'active';
      expect((await workshopRecord(t, workshop.id)).status).toBe(expectedStatus);
    }

    const detail = await getWorkshop(workshop);
    expect(detail).toMatchObject({
      status: 'completed',
      currentStepId: null,
      progress: { completed: 10, total: 10 },
    });
    expect(detail.steps.every((step) => step.status === 'complete')).toBe(true);

    const records = await stepRecords(t, workshop.id);
    expect(records.map((record) => record.completion)).toEqual(
      STEP_IDS.map((_id, index) => (index % 3 === 1 ? 'user_skipped' : 'ai_confirmed')),
    );
    expect(records.map((record) => record.output)).toEqual(STEP_IDS.map((step, index) => ({ step, index })));

    // Re-editing a step of a completed workshop keeps it completed.
    await readJson(await putOutput(t, workshop, 'persona', { revised: true }), 200);
    expect((await workshopRecord(t, workshop.id)).status).toBe('completed');
  });
});

describe('GET /api/workshops/{workshopId}/steps/{stepId}/context', () => {
  it('for the first step: the idea, no earlier steps, and a prompt with the idea', async () => {
    const idea = 'Meal kits for night-shift nurses — وجبات للممرضات';
    const workshop = await createWorkshop(t, { idea, title: 'Night meals' });
    const context = await readJson<ContextBody>(
      await getContext(t, workshop, 'challenge', { include: 'both' }),
      200,
    );

    expect(context.workshop).toEqual({ title: 'Night meals', originalIdea: idea, status: 'draft' });
    expect(context.step).toMatchObject({ id: 'challenge', position: 1, name: 'Challenge' });
    expect(context.earlierSteps).toEqual([]);
    expect(context.prompt).toContain(idea);
  });

  it('lists only earlier steps, in order, with their outputs; the prompt carries the idea and each earlier output', async () => {
    const idea = 'Help shift workers eat well';
    const workshop = await createWorkshop(t, { idea });
    const outputs: JsonObject[] = [
      { statement: 'Shift workers skip meals', marker: 'marker-one' },
      { stakeholders: ['nurses', 'canteen'], marker: 'marker-two' },
      { interviews: 12, marker: 'marker-three' },
    ];
    for (const [index, output] of outputs.entries()) {
      const stepId = STEP_IDS[index] ?? '';
      await readJson(await putOutput(t, workshop, stepId, output), 200);
      await readJson(
        await completeStep(t, workshop, stepId, index === 1 ? { by: 'user', confirm: true } : { by: 'ai' }),
        200,
      );
    }
    // The current step's own output is not context.
    await readJson(await putOutput(t, workshop, 'sense-making', { marker: 'marker-current' }), 200);

    const context = await readJson<ContextBody>(
      await getContext(t, workshop, 'sense-making', { include: 'both' }),
      200,
    );
    const prompt = context.prompt ?? '';
    const earlierSteps = context.earlierSteps ?? [];
    expect(context.step).toMatchObject({ id: 'sense-making', position: 4 });
    expect(earlierSteps.map((step) => step.id)).toEqual([
      'challenge',
      'stakeholder-mapping',
      'user-research',
    ]);
    expect(earlierSteps.map((step) => step.output)).toEqual(outputs);
    expect(earlierSteps.map((step) => step.completion)).toEqual([
      'ai_confirmed',
      'user_skipped',
      'ai_confirmed',
    ]);
    expect(earlierSteps.map((step) => step.position)).toEqual([1, 2, 3]);

    expect(prompt).toContain(idea);
    const positions = ['marker-one', 'marker-two', 'marker-three'].map((marker) => prompt.indexOf(marker));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(prompt).toContain('Shift workers skip meals');
    expect(prompt).not.toContain('marker-current');
  });

  it('is open to a viewer', async () => {
    const workshop = await createWorkshop(t);
    const viewer = await addMember(t, workshop, 'viewer');
    const context = await readJson<ContextBody>(
      await getContext(t, workshop, 'challenge', { headers: viewer, include: 'steps' }),
      200,
    );
    expect(context.earlierSteps).toEqual([]);
  });
});
