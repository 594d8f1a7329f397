/** Saving a step's output: what it starts, If-Match, the size limit and bad input. */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../support/problem';
import { jsonBody, useTestApp } from '../support/test-app';
import {
  addMember,
  completeStep,
  createWorkshop,
  getStep,
  getWorkshop,
  ISO_UTC,
  type JsonObject,
  putOutput,
  readJson,
  type StepWithOutputBody,
  stepPath,
  stepRecord,
  stepsSnapshot,
  type Workshop,
  workshopRecord,
} from './support';

const t = useTestApp();

const OUTPUT_LIMIT = 256 * 1024;

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

describe('PUT /api/workshops/{workshopId}/steps/{stepId}/output', () => {
  it('saves the output and starts a not-started step: in_progress, started_at set, in the answer and the database', async () => {
    const workshop = await createWorkshop(t());
    const output = {
      problem: 'Night nurses eat from vending machines',
      who: ['nurses', 'porters'],
      urgency: 4,
    };
    const response = await putOutput(t(), workshop, 'challenge', output);
    const step = await readJson<StepWithOutputBody>(response, 200);

    expect(step).toMatchObject({
      id: 'challenge',
      status: 'in_progress',
      completion: null,
      completedAt: null,
      output,
    });
    expect(step.startedAt).toMatch(ISO_UTC);

    const record = await stepRecord(t(), workshop.id, 'challenge');
    expect(record).toMatchObject({ status: 'in_progress', output, completion: null, completed_at: null });
    expect(record.started_at?.toISOString()).toBe(step.startedAt);
    expect(record.updated_at.toISOString()).toBe(step.updatedAt);

    // The ETag of the answer is the version a later GET names.
    const etag = response.headers.get('etag');
    expect(etag).toMatch(/^"[^"]+"$/);
    expect((await getStep(t(), workshop, 'challenge')).headers.get('etag')).toBe(etag);
  });

  it('overwrites the whole object on re-edit (no merge) and keeps started_at', async () => {
    const workshop = await createWorkshop(t());
    const first = await readJson<StepWithOutputBody>(
      await putOutput(t(), workshop, 'challenge', { keep: 'no', nested: { a: 1, b: 2 } }),
      200,
    );
    const second = await readJson<StepWithOutputBody>(
      await putOutput(t(), workshop, 'challenge', { nested: { c: 3 } }),
      200,
    );

    expect(second.output).toEqual({ nested: { c: 3 } });
    expect(second.status).toBe('in_progress');
    expect(second.startedAt).toBe(first.startedAt);
    expect(new Date(second.updatedAt).getTime()).toBeGreaterThan(new Date(first.updatedAt).getTime());

    const record = await stepRecord(t(), workshop.id, 'challenge');
    expect(record.output).toEqual({ nested: { c: 3 } });
    expect(record.started_at?.toISOString()).toBe(first.startedAt);
  });

  it('accepts an empty object', async () => {
    const workshop = await createWorkshop(t());
    const step = await readJson<StepWithOutputBody>(await putOutput(t(), workshop, 'challenge', {}), 200);
    expect(step.output).toEqual({});
    expect((await stepRecord(t(), workshop.id, 'challenge')).output).toEqual({});
  });

  it('moves a draft workshop to active', async () => {
    const workshop = await createWorkshop(t());
    expect((await workshopRecord(t(), workshop.id)).status).toBe('draft');
    await readJson(await putOutput(t(), workshop, 'challenge', { a: 1 }), 200);
    expect((await workshopRecord(t(), workshop.id)).status).toBe('active');
    expect((await getWorkshop(t(), workshop)).status).toBe('active');
  });

  it('moves a paused workshop back to active, and so does completing a step', async () => {
    const pause = (workshop: Workshop) =>
      t().request(`/api/workshops/${workshop.id}`, {
        method: 'PATCH',
        ...jsonBody({ status: 'paused' }, workshop.headers),
      });
    const saved = await createWorkshop(t());
    await readJson(await pause(saved), 200);
    await readJson(await putOutput(t(), saved, 'challenge', { a: 1 }), 200);
    expect((await workshopRecord(t(), saved.id)).status).toBe('active');

    const completed = await createWorkshop(t());
    await readJson(await pause(completed), 200);
    await readJson(await completeStep(t(), completed, 'challenge'), 200);
    expect((await workshopRecord(t(), completed.id)).status).toBe('active');
  });

  it('is open to an editor', async () => {
    const workshop = await createWorkshop(t());
    const editor = await addMember(t(), workshop, 'editor');
    await readJson(await putOutput(t(), workshop, 'challenge', { by: 'editor' }, { headers: editor }), 200);
    expect((await stepRecord(t(), workshop.id, 'challenge')).output).toEqual({ by: 'editor' });
  });

  describe('If-Match', () => {
    it('saves when it names the current version, and answers the new version', async () => {
      const workshop = await createWorkshop(t());
      const etag = (await getStep(t(), workshop, 'challenge')).headers.get('etag') ?? '';
      const response = await putOutput(t(), workshop, 'challenge', { v: 1 }, { extra: { 'If-Match': etag } });
      await readJson(response, 200);
      expect(response.headers.get('etag')).not.toBe(etag);
      expect((await stepRecord(t(), workshop.id, 'challenge')).output).toEqual({ v: 1 });

      // And again with the version the first write answered.
      const next = response.headers.get('etag') ?? '';
      await readJson(
        await putOutput(t(), workshop, 'challenge', { v: 2 }, { extra: { 'If-Match': next } }),
        200,
      );
      expect((await stepRecord(t(), workshop.id, 'challenge')).output).toEqual({ v: 2 });
    });

    it('answers 412 to a stale version and leaves the database as it was', async () => {
      const workshop = await createWorkshop(t());
      const stale = (await getStep(t(), workshop, 'challenge')).headers.get('etag') ?? '';
      await readJson(await putOutput(t(), workshop, 'challenge', { v: 'theirs' }), 200);
      const before = await stepsSnapshot(t(), workshop);

      const response = await putOutput(
        t(),
        workshop,
        'challenge',
        { v: 'mine' },
        { extra: { 'If-Match': stale } },
      );
      const problem = await expectProblem(response, 412, 'precondition_failed');
      // The problem names the current version, the one a fresh GET answers.
      expect(problem.currentETag).toBe((await getStep(t(), workshop, 'challenge')).headers.get('etag'));
      expect(await stepsSnapshot(t(), workshop)).toEqual(before);
      expect((await stepRecord(t(), workshop.id, 'challenge')).output).toEqual({ v: 'theirs' });
    });

    it('answers 412 to a tag that names no version at all', async () => {
      const workshop = await createWorkshop(t());
      const before = await stepsSnapshot(t(), workshop);
      await expectProblem(
        await putOutput(t(), workshop, 'challenge', { v: 1 }, { extra: { 'If-Match': '"garbage"' } }),
        412,
        'precondition_failed',
      );
      expect(await stepsSnapshot(t(), workshop)).toEqual(before);
    });

    it('saves with If-Match: * (any current version)', async () => {
      const workshop = await createWorkshop(t());
      await readJson(
        await putOutput(t(), workshop, 'challenge', { v: 1 }, { extra: { 'If-Match': '*' } }),
        200,
      );
      expect((await stepRecord(t(), workshop.id, 'challenge')).output).toEqual({ v: 1 });
    });
  });

  it('refuses a later step while an earlier one is incomplete: 409 step_unavailable, nothing written', async () => {
    const workshop = await createWorkshop(t());
    await readJson(await putOutput(t(), workshop, 'challenge', { started: true }), 200);
    const before = await stepsSnapshot(t(), workshop);

    for (const stepId of ['stakeholder-mapping', 'validate']) {
      await expectProblem(await putOutput(t(), workshop, stepId, { early: true }), 409, 'step_unavailable');
    }
    expect(await stepsSnapshot(t(), workshop)).toEqual(before);
  });

  it('leaves a draft workshop draft when the write is refused as unavailable', async () => {
    const workshop = await createWorkshop(t());
    await expectProblem(await putOutput(t(), workshop, 'persona', { early: true }), 409, 'step_unavailable');
    expect((await workshopRecord(t(), workshop.id)).status).toBe('draft');
    expect((await stepRecord(t(), workshop.id, 'persona')).status).toBe('not_started');
  });

  describe('size', () => {
    it('refuses an output over 256 KiB (an honest 300 KB string) with 413, nothing written', async () => {
      const workshop = await createWorkshop(t());
      const before = await stepsSnapshot(t(), workshop);
      const response = await putOutput(t(), workshop, 'challenge', { text: 'x'.repeat(300_000) });
      await expectProblem(response, 413, 'payload_too_large');
      expect(await stepsSnapshot(t(), workshop)).toEqual(before);
    });

    it('accepts an output of exactly 256 KiB of JSON and stores it whole', async () => {
      const workshop = await createWorkshop(t());
      const output = { s: 'x'.repeat(OUTPUT_LIMIT - '{"s":""}'.length) };
      expect(Buffer.byteLength(JSON.stringify(output))).toBe(OUTPUT_LIMIT);
      await readJson(await putOutput(t(), workshop, 'challenge', output), 200);
      expect((await stepRecord(t(), workshop.id, 'challenge')).output).toEqual(output);
    });

    it('refuses one byte more with 413, nothing written', async () => {
      const workshop = await createWorkshop(t());
      const before = await stepsSnapshot(t(), workshop);
      const output = { s: 'x'.repeat(OUTPUT_LIMIT - '{"s":""}'.length + 1) };
      await expectProblem(await putOutput(t(), workshop, 'challenge', output), 413, 'payload_too_large');
      expect(await stepsSnapshot(t(), workshop)).toEqual(before);
    });

    it('counts UTF-8 bytes, not UTF-16 code units (130 k two-byte characters are over the limit)', async () => {
      const workshop = await createWorkshop(t());
      const before = await stepsSnapshot(t(), workshop);
      const output = { s: 'é'.repeat(131_070) };
      expect(JSON.stringify(output).length).toBeLessThan(OUTPUT_LIMIT);
      expect(Buffer.byteLength(JSON.stringify(output))).toBeGreaterThan(OUTPUT_LIMIT);
      await expectProblem(await putOutput(t(), workshop, 'challenge', output), 413, 'payload_too_large');
      expect(await stepsSnapshot(t(), workshop)).toEqual(before);
    });
  });

  describe('bad input (400, nothing written)', () => {
    let workshop: Workshop;
    let before: Awaited<ReturnType<typeof stepsSnapshot>>;
    beforeAll(async () => {
      workshop = await createWorkshop(t());
      await readJson(await putOutput(t(), workshop, 'challenge', { original: true }), 200);
      before = await stepsSnapshot(t(), workshop);
    });

    const send = (body: string) =>
      t().request(stepPath(workshop.id, 'challenge', '/output'), {
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
      expect(await stepsSnapshot(t(), workshop)).toEqual(before);
    });

    it('says the output wrapper is required when it is missing, and what it is when it is of the wrong kind', async () => {
      const missing = await expectProblem(await send('{"problem": "x"}'), 400, 'validation_failed');
      expect(missing.errors).toContainEqual({ path: 'output', message: 'required' });
      const wrongKind = await expectProblem(await send('{"output": [1]}'), 400, 'validation_failed');
      expect(wrongKind.errors).toEqual([{ path: 'output', message: 'must be a JSON object' }]);
    });

    it('malformed JSON', async () => {
      await expectProblem(await send('{"output": {'), 400, 'malformed_json');
      expect(await stepsSnapshot(t(), workshop)).toEqual(before);
    });

    it('nesting 65 levels deep (64 is the limit)', async () => {
      await expectProblem(await send(JSON.stringify({ output: nested(65) })), 400, 'validation_failed');
      expect(await stepsSnapshot(t(), workshop)).toEqual(before);
    });

    it('nesting far deeper, in arrays (1,000 levels)', async () => {
      const body = `{"output": {"a": ${'['.repeat(1000)}${']'.repeat(1000)}}}`;
      await expectProblem(await send(body), 400, 'validation_failed');
      expect(await stepsSnapshot(t(), workshop)).toEqual(before);
    });
  });

  it('accepts nesting 64 levels deep (the output object being the first), and reads it back', async () => {
    const workshop = await createWorkshop(t());
    const output = nested(64);
    await readJson(await putOutput(t(), workshop, 'challenge', output), 200);
    const step = await readJson<StepWithOutputBody>(await getStep(t(), workshop, 'challenge'), 200);
    expect(step.output).toEqual(output);
  });
});
