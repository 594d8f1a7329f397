/** Completing steps, by the AI or skipped by the user, and the progress that follows from it. */
import { describe, expect, it } from 'vitest';
import type { SharedWorkshop } from '../../src/schemas/shares';
import { expectProblem } from '../support/problem';
import { useTestApp } from '../support/test-app';
import {
  completeFirst,
  completeStep,
  createWorkshop,
  getWorkshop,
  ISO_UTC,
  listSteps,
  putOutput,
  readJson,
  STEP_IDS,
  type StepWithOutputBody,
  stepRecord,
  stepRecords,
  stepsSnapshot,
  type WorkshopBody,
  workshopRecord,
} from './support';

const t = useTestApp();

describe('POST /api/workshops/{workshopId}/steps/{stepId}/complete', () => {
  it('{by: "ai"} completes the step: complete, ai_confirmed, completed_at set (answer and database)', async () => {
    const workshop = await createWorkshop(t());
    await readJson(await putOutput(t(), workshop, 'challenge', { problem: 'p' }), 200);
    const response = await completeStep(t(), workshop, 'challenge', { by: 'ai' });
    const step = await readJson<StepWithOutputBody>(response, 200);

    expect(step).toMatchObject({
      id: 'challenge',
      status: 'complete',
      completion: 'ai_confirmed',
      output: { problem: 'p' },
    });
    expect(step.completedAt).toMatch(ISO_UTC);
    expect(response.headers.get('etag')).toMatch(/^"[^"]+"$/);

    const record = await stepRecord(t(), workshop.id, 'challenge');
    expect(record).toMatchObject({
      status: 'complete',
      completion: 'ai_confirmed',
      output: { problem: 'p' },
    });
    expect(record.completed_at?.toISOString()).toBe(step.completedAt);
    expect((await workshopRecord(t(), workshop.id)).status).toBe('active');
  });

  it('completes a step that was never started, and starts it too', async () => {
    const workshop = await createWorkshop(t());
    const step = await readJson<StepWithOutputBody>(
      await completeStep(t(), workshop, 'challenge', { by: 'ai' }),
      200,
    );
    expect(step).toMatchObject({ status: 'complete', output: null });
    const record = await stepRecord(t(), workshop.id, 'challenge');
    expect(record.started_at).not.toBeNull();
    expect(record.completed_at).not.toBeNull();
    expect((await workshopRecord(t(), workshop.id)).status).toBe('active');
  });

  it.each([
    ['without confirm', { by: 'user' }],
    ['with confirm: false', { by: 'user', confirm: false }],
  ])('{by: "user"} %s is 428 confirmation_required and writes nothing', async (_label, body) => {
    const workshop = await createWorkshop(t());
    const before = await stepsSnapshot(t(), workshop);
    await expectProblem(await completeStep(t(), workshop, 'challenge', body), 428, 'confirmation_required');
    expect(await stepsSnapshot(t(), workshop)).toEqual(before);
  });

  it('{by: "user", confirm: true} skips the step: complete, user_skipped', async () => {
    const workshop = await createWorkshop(t());
    const step = await readJson<StepWithOutputBody>(
      await completeStep(t(), workshop, 'challenge', { by: 'user', confirm: true }),
      200,
    );
    expect(step).toMatchObject({ status: 'complete', completion: 'user_skipped' });
    expect(await stepRecord(t(), workshop.id, 'challenge')).toMatchObject({
      status: 'complete',
      completion: 'user_skipped',
    });
  });

  it.each([
    ['by the AI', { by: 'ai' }],
    ['skipped by the user', { by: 'user', confirm: true }],
  ])('refuses an unavailable step %s with 409 step_unavailable, nothing written', async (_label, body) => {
    const workshop = await createWorkshop(t());
    const before = await stepsSnapshot(t(), workshop);
    await expectProblem(
      await completeStep(t(), workshop, 'stakeholder-mapping', body),
      409,
      'step_unavailable',
    );
    await expectProblem(await completeStep(t(), workshop, 'validate', body), 409, 'step_unavailable');
    expect(await stepsSnapshot(t(), workshop)).toEqual(before);
  });

  it('is idempotent: completing twice answers 200 and keeps completed_at and completion', async () => {
    const workshop = await createWorkshop(t());
    const first = await readJson<StepWithOutputBody>(
      await completeStep(t(), workshop, 'challenge', { by: 'ai' }),
      200,
    );
    const recordAfterFirst = await stepRecord(t(), workshop.id, 'challenge');
    const workshopAfterFirst = await workshopRecord(t(), workshop.id);

    const again = await readJson<StepWithOutputBody>(
      await completeStep(t(), workshop, 'challenge', { by: 'ai' }),
      200,
    );
    const skipped = await readJson<StepWithOutputBody>(
      await completeStep(t(), workshop, 'challenge', { by: 'user', confirm: true }),
      200,
    );

    for (const answer of [again, skipped]) {
      expect(answer).toMatchObject({
        status: 'complete',
        completion: 'ai_confirmed',
        completedAt: first.completedAt,
      });
    }
    expect(await stepRecord(t(), workshop.id, 'challenge')).toEqual(recordAfterFirst);
    expect(await workshopRecord(t(), workshop.id)).toEqual(workshopAfterFirst);
  });

  it('re-editing a complete step overwrites its output and keeps it complete', async () => {
    const workshop = await createWorkshop(t());
    await readJson(await putOutput(t(), workshop, 'challenge', { draft: 1 }), 200);
    const completed = await readJson<StepWithOutputBody>(await completeStep(t(), workshop, 'challenge'), 200);

    const edited = await readJson<StepWithOutputBody>(
      await putOutput(t(), workshop, 'challenge', { final: 2 }),
      200,
    );
    expect(edited).toMatchObject({
      status: 'complete',
      completion: 'ai_confirmed',
      completedAt: completed.completedAt,
      output: { final: 2 },
    });
    expect(await stepRecord(t(), workshop.id, 'challenge')).toMatchObject({
      status: 'complete',
      completion: 'ai_confirmed',
      output: { final: 2 },
    });
    // The next step stays available.
    const { items } = await listSteps(t(), workshop);
    expect(items[1]?.available).toBe(true);
  });

  it.each([
    ['an unknown "by"', { by: 'robot' }],
    ['an empty body', {}],
    ['confirm with the AI', { by: 'ai', confirm: true }],
    ['an unknown field', { by: 'ai', completion: 'user_skipped' }],
    ['confirm of the wrong type', { by: 'user', confirm: 'yes' }],
  ])('refuses %s with 400, nothing written', async (_label, body) => {
    const workshop = await createWorkshop(t());
    const before = await stepsSnapshot(t(), workshop);
    await expectProblem(await completeStep(t(), workshop, 'challenge', body), 400, 'validation_failed');
    expect(await stepsSnapshot(t(), workshop)).toEqual(before);
  });
});

describe('progress through the ten steps', () => {
  it('currentStepId and progress on GET workshop and the workshop list follow the steps', async () => {
    const workshop = await createWorkshop(t());
    const listed = async () => {
      const body = await readJson<{ items: WorkshopBody[] }>(
        await t().request('/api/workshops', { headers: workshop.headers }),
        200,
      );
      return body.items.find((item) => item.id === workshop.id);
    };

    expect(await getWorkshop(t(), workshop)).toMatchObject({
      currentStepId: 'challenge',
      progress: { completed: 0, total: 10 },
    });
    expect(await listed()).toMatchObject({
      currentStepId: 'challenge',
      progress: { completed: 0, total: 10 },
    });

    // Saving an output starts a step but does not move the current step.
    await readJson(await putOutput(t(), workshop, 'challenge', { a: 1 }), 200);
    expect(await getWorkshop(t(), workshop)).toMatchObject({
      currentStepId: 'challenge',
      progress: { completed: 0 },
    });

    await completeFirst(t(), workshop, 3);
    expect(await getWorkshop(t(), workshop)).toMatchObject({
      status: 'active',
      currentStepId: 'sense-making',
      progress: { completed: 3, total: 10 },
    });
    expect(await listed()).toMatchObject({
      currentStepId: 'sense-making',
      progress: { completed: 3, total: 10 },
    });
  });

  it('the shared view shows the progress and current step the members see, times and outputs included', async () => {
    const workshop = await createWorkshop(t());
    await completeFirst(t(), workshop, 2);
    // In progress but not complete: it neither counts as done nor stops being the current step.
    await readJson(await putOutput(t(), workshop, 'user-research', { draft: true }), 200);
    const share = await readJson<{ shareToken: string }>(
      await t().request(`/api/workshops/${workshop.id}/share`, { method: 'PUT', headers: workshop.headers }),
      200,
    );
    const detail = await getWorkshop(t(), workshop);
    const shared = await readJson<SharedWorkshop>(await t().request(`/api/shared/${share.shareToken}`), 200);

    expect(detail).toMatchObject({ currentStepId: 'user-research', progress: { completed: 2, total: 10 } });
    expect(shared).toMatchObject({
      title: detail.title,
      status: 'active',
      progress: detail.progress,
      currentStepId: detail.currentStepId,
      createdAt: detail.createdAt,
      updatedAt: detail.updatedAt,
    });
    const timesOf = (
      steps: readonly {
        id: string;
        status: string;
        startedAt: string | null;
        completedAt: string | null;
        updatedAt: string;
      }[],
    ) =>
      steps.map(({ id, status, startedAt, completedAt, updatedAt }) => ({
        id,
        status,
        startedAt,
        completedAt,
        updatedAt,
      }));
    expect(timesOf(shared.steps)).toEqual(timesOf(detail.steps));
    expect(shared.steps[2]?.output).toEqual({ draft: true });
  });

  it('walking all ten steps (confirmed and skipped) completes the workshop: 10/10, no current step', async () => {
    const workshop = await createWorkshop(t());
    for (const [index, stepId] of STEP_IDS.entries()) {
      await readJson(await putOutput(t(), workshop, stepId, { step: stepId, index }), 200);
      const by = index % 3 === 1 ? { by: 'user', confirm: true } : { by: 'ai' };
      const step = await readJson<StepWithOutputBody>(await completeStep(t(), workshop, stepId, by), 200);
      expect(step.status).toBe('complete');
      const expectedStatus = index === STEP_IDS.length - 1 ? 'completed' : 'active';
      expect((await workshopRecord(t(), workshop.id)).status).toBe(expectedStatus);
    }

    const detail = await getWorkshop(t(), workshop);
    expect(detail).toMatchObject({
      status: 'completed',
      currentStepId: null,
      progress: { completed: 10, total: 10 },
    });
    expect(detail.steps.every((step) => step.status === 'complete')).toBe(true);

    const records = await stepRecords(t(), workshop.id);
    expect(records.map((record) => record.completion)).toEqual(
      STEP_IDS.map((_id, index) => (index % 3 === 1 ? 'user_skipped' : 'ai_confirmed')),
    );
    expect(records.map((record) => record.output)).toEqual(STEP_IDS.map((step, index) => ({ step, index })));

    // Re-editing a step of a completed workshop keeps it completed.
    await readJson(await putOutput(t(), workshop, 'persona', { revised: true }), 200);
    expect((await workshopRecord(t(), workshop.id)).status).toBe('completed');
  });
});
