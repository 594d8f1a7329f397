/**
 * The demo workflow (scripts/demo/workflow.ts), in-process against the real app, driver and Postgres:
 * `npm test` proves every status the README walk-through and `npm run demo` promise, with no dev server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStep, type StepResult, type Transport, type Variables } from '../../scripts/demo/execute';
import {
  type HttpStep,
  SKIPPED_STEP,
  STEP_OUTPUTS,
  stepLabel,
  variableSetBy,
  variablesReadBy,
  WORKFLOW,
} from '../../scripts/demo/workflow';
import { createTestApp, type TestApp } from '../support/test-app';

const httpSteps = WORKFLOW.filter((step): step is HttpStep => step.kind === 'http');

describe('the workflow is well formed', () => {
  it('reads only variables that an earlier step sets', () => {
    const set = new Set<string>();
    for (const [index, step] of WORKFLOW.entries()) {
      for (const variable of variablesReadBy(step)) {
        expect(set.has(variable), `${stepLabel(step, index)} reads $${variable}`).toBe(true);
      }
      const variable = variableSetBy(step);
      if (variable) set.add(variable);
    }
  });

  it('captures only from 2xx answers and calls only /api/ paths', () => {
    for (const step of httpSteps) {
      expect(step.path).toMatch(/^\/api\//);
      if (step.capture) expect(step.expect).toBeGreaterThanOrEqual(200);
      if (step.capture) expect(step.expect).toBeLessThan(300);
    }
  });

  it('walks all ten steps: context, output and completion each, one skipped with confirmation', () => {
    for (const { id } of STEP_OUTPUTS) {
      const calls = httpSteps
        .filter((step) => step.path.startsWith(`/api/workshops/$WS/steps/${id}/`) && step.expect !== 409)
        .map((step) => `${step.method} ${step.path.split('/').at(-1)} ${step.expect}`);
      const completion =
        id === SKIPPED_STEP ? ['POST complete 428', 'POST complete 200'] : ['POST complete 200'];
      expect(calls, id).toEqual(['GET context 200', 'PUT output 200', ...completion]);
    }
    const early = httpSteps.filter((step) => step.expect === 409);
    expect(early.map((step) => `${step.method} ${step.path}`)).toEqual([
      'PUT /api/workshops/$WS/steps/persona/output',
    ]);
    const skips = httpSteps.filter((step) => step.body?.by === 'user' && step.body.confirm === true);
    expect(skips.map((step) => step.path)).toEqual([`/api/workshops/$WS/steps/${SKIPPED_STEP}/complete`]);
  });

  it('shows each status the brief asks for', () => {
    const statuses = new Set(httpSteps.map((step) => step.expect));
    for (const status of [200, 201, 204, 304, 404, 409, 412, 428])
      expect(statuses.has(status), String(status)).toBe(true);
    const contentTypes = httpSteps.flatMap((step) =>
      step.path.endsWith('/content') ? [step.expectContentType] : [],
    );
    expect(contentTypes).toEqual(['text/markdown', 'application/json', 'application/pdf']);
  });
});

describe('the workflow against the app', () => {
  let t: TestApp;
  let transport: Transport;
  const variables: Variables = new Map();
  let broken: StepResult | undefined;

  beforeAll(async () => {
    t = await createTestApp();
    transport = {
      request: async (path, init) => t.request(path, init),
      mintToken: (user, plan) => t.token(user, plan ? { plan } : {}),
    };
  });

  afterAll(async () => {
    await t?.close();
  });

  it('uses the step ids the API defines, in order', async () => {
    const res = await t.request('/api/step-definitions');
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { id: string; name: string }[] };
    expect(items.map((step) => [step.id, step.name])).toEqual(
      STEP_OUTPUTS.map((step) => [step.id, step.name]),
    );
  });

  for (const [index, step] of WORKFLOW.entries()) {
    it(stepLabel(step, index), async (context) => {
      if (broken) context.skip(`step ${broken.index + 1} failed`);
      const result = await runStep(step, index, variables, transport);
      if (result.problems.length > 0) broken = result;
      expect(result.problems, result.excerpt).toEqual([]);
    });
  }
});
