/** Reading steps: the list, one step with its output, odd step ids, and the context the AI prompt is built from. */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../support/problem';
import { jsonBody, useTestApp } from '../support/test-app';
import {
  addMember,
  type ContextBody,
  completeFirst,
  completeStep,
  createWorkshop,
  getContext,
  getStep,
  ISO_UTC,
  type JsonObject,
  listSteps,
  putOutput,
  readJson,
  STEP_IDS,
  STEPS,
  type StepWithOutputBody,
  sessionsOf,
  stepPath,
  stepsSnapshot,
  type Workshop,
} from './support';

const t = useTestApp();

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
    const workshop = await createWorkshop(t());
    const { items } = await listSteps(t(), workshop);

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
    const workshop = await createWorkshop(t());
    await completeFirst(t(), workshop, 2);
    const { items } = await listSteps(t(), workshop);
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
      const workshop = await createWorkshop(t());
      await readJson(await putOutput(t(), workshop, 'challenge', output), 200);
      await readJson(await completeStep(t(), workshop, 'challenge'), 200);
      const response = await getContext(t(), workshop, 'stakeholder-mapping', {
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
      const workshop = await createWorkshop(t());
      for (const include of ['everything', 'PROMPT', '']) {
        const problem = await expectProblem(
          await getContext(t(), workshop, 'challenge', { include }),
          400,
          'validation_failed',
        );
        expect(problem.errors?.map((error) => error.path)).toEqual(['include']);
      }
      expect(await sessionsOf(t(), workshop.id)).toEqual([]);
    });
  });

  it('is open to a viewer', async () => {
    const workshop = await createWorkshop(t());
    const viewer = await addMember(t(), workshop, 'viewer');
    expect((await listSteps(t(), workshop, viewer)).items).toHaveLength(10);
  });
});

describe('GET /api/workshops/{workshopId}/steps/{stepId}', () => {
  it('answers one step with a null output and an ETag', async () => {
    const workshop = await createWorkshop(t());
    const response = await getStep(t(), workshop, 'challenge');
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
    const listed = (await listSteps(t(), workshop)).items[0];
    const { output: _output, ...withoutOutput } = step;
    expect(withoutOutput).toEqual(listed);
  });

  it('answers 304 with no body to an If-None-Match naming the current version, 200 once it changed', async () => {
    const workshop = await createWorkshop(t());
    const etag = (await getStep(t(), workshop, 'challenge')).headers.get('etag') ?? '';

    const unchanged = await getStep(t(), workshop, 'challenge', { extra: { 'If-None-Match': etag } });
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe('');
    expect(unchanged.headers.get('etag')).toBe(etag);

    await readJson(await putOutput(t(), workshop, 'challenge', { problem: 'changed' }), 200);
    const changed = await getStep(t(), workshop, 'challenge', { extra: { 'If-None-Match': etag } });
    const step = await readJson<StepWithOutputBody>(changed, 200);
    expect(step.output).toEqual({ problem: 'changed' });
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('shows a later, unavailable step too (reading is not gated), marked unavailable', async () => {
    const workshop = await createWorkshop(t());
    const step = await readJson<StepWithOutputBody>(await getStep(t(), workshop, 'validate'), 200);
    expect(step).toMatchObject({ id: 'validate', position: 10, available: false, output: null });
  });

  it('is open to a viewer', async () => {
    const workshop = await createWorkshop(t());
    const viewer = await addMember(t(), workshop, 'viewer');
    await readJson(await putOutput(t(), workshop, 'challenge', { seen: 'by a viewer' }), 200);
    const step = await readJson<StepWithOutputBody>(
      await getStep(t(), workshop, 'challenge', { headers: viewer }),
      200,
    );
    expect(step.output).toEqual({ seen: 'by a viewer' });
  });
});

describe('odd step ids', () => {
  let workshop: Workshop;
  beforeAll(async () => {
    workshop = await createWorkshop(t());
  });

  it.each(ODD_STEP_IDS)('%s is a 404 on every step route, never a 500', async (_label, odd) => {
    const stepId = encodeURIComponent(odd);
    const before = await stepsSnapshot(t(), workshop);
    const responses = [
      await t().request(stepPath(workshop.id, stepId), { headers: workshop.headers }),
      await t().request(stepPath(workshop.id, stepId, '/context'), { headers: workshop.headers }),
      await t().request(stepPath(workshop.id, stepId, '/output'), {
        method: 'PUT',
        ...jsonBody({ output: { a: 1 } }, workshop.headers),
      }),
      await t().request(stepPath(workshop.id, stepId, '/complete'), {
        method: 'POST',
        ...jsonBody({ by: 'ai' }, workshop.headers),
      }),
    ];
    for (const response of responses) await expectProblem(response, 404, 'not_found');
    expect(await stepsSnapshot(t(), workshop)).toEqual(before);
  });
});

describe('GET /api/workshops/{workshopId}/steps/{stepId}/context', () => {
  it('for the first step: the idea, no earlier steps, and a prompt with the idea', async () => {
    const idea = 'Meal kits for night-shift nurses — وجبات للممرضات';
    const workshop = await createWorkshop(t(), { idea, title: 'Night meals' });
    const context = await readJson<ContextBody>(
      await getContext(t(), workshop, 'challenge', { include: 'both' }),
      200,
    );

    expect(context.workshop).toEqual({ title: 'Night meals', originalIdea: idea, status: 'draft' });
    expect(context.step).toMatchObject({ id: 'challenge', position: 1, name: 'Challenge' });
    expect(context.earlierSteps).toEqual([]);
    expect(context.prompt).toContain(idea);
  });

  it('lists only earlier steps, in order, with their outputs; the prompt carries the idea and each earlier output', async () => {
    const idea = 'Help shift workers eat well';
    const workshop = await createWorkshop(t(), { idea });
    const outputs: JsonObject[] = [
      { statement: 'Shift workers skip meals', marker: 'marker-one' },
      { stakeholders: ['nurses', 'canteen'], marker: 'marker-two' },
      { interviews: 12, marker: 'marker-three' },
    ];
    for (const [index, output] of outputs.entries()) {
      const stepId = STEP_IDS[index] ?? '';
      await readJson(await putOutput(t(), workshop, stepId, output), 200);
      await readJson(
        await completeStep(t(), workshop, stepId, index === 1 ? { by: 'user', confirm: true } : { by: 'ai' }),
        200,
      );
    }
    // The current step's own output is not context.
    await readJson(await putOutput(t(), workshop, 'sense-making', { marker: 'marker-current' }), 200);

    const context = await readJson<ContextBody>(
      await getContext(t(), workshop, 'sense-making', { include: 'both' }),
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
    const workshop = await createWorkshop(t());
    const viewer = await addMember(t(), workshop, 'viewer');
    const context = await readJson<ContextBody>(
      await getContext(t(), workshop, 'challenge', { headers: viewer, include: 'steps' }),
      200,
    );
    expect(context.earlierSteps).toEqual([]);
  });
});
