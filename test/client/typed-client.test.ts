/**
 * A whole workshop driven through `hc<AppType>` from 'hono/client' and nothing else: every request and
 * response body is typed from the route definitions, with no casts. The `expectTypeOf` and
 * `@ts-expect-error` lines make `npm run typecheck` fail when a route's shape changes.
 *
 * Known limit of the inference: GET …/build-packs/{packId}/content declares three content types for one
 * 200 (text/markdown, application/json, application/pdf); `res.json()` is then typed `unknown`, so the
 * JSON pack's document must be validated (or read as text) by the client. See the last test.
 * Every response also passes the app's OpenAPI document (the test app checks each one), so the types hc
 * infers from the route definitions and the document a generator reads cannot drift apart unnoticed.
 * Error responses are part of the typed union (`problemResponses()` declares literal statuses), so a
 * body is typed only once the status has been checked: `assertStatus` below does both.
 */
import { hc } from 'hono/client';
import type { JSONValue } from 'hono/utils/types';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { STEP_OUTPUTS } from '../../scripts/demo/workflow';
import type { AppType } from '../../src/app';
import { createTestApp, type TestApp } from '../support/test-app';

type StepStatus = 'not_started' | 'in_progress' | 'complete';
type WorkshopStatus = 'draft' | 'active' | 'paused' | 'completed';

/** Checks the status at run time and narrows the typed response to that status's body. */
function assertStatus<R extends { status: number }, S extends R['status']>(
  response: R,
  status: S,
): asserts response is Extract<R, { status: S }> {
  expect(response.status).toBe(status);
}

let t: TestApp;
let client: ReturnType<typeof hc<AppType>>;
let auth: { Authorization: string };

beforeAll(async () => {
  t = await createTestApp();
  auth = { Authorization: `Bearer ${await t.token('user_typed_client', { plan: 'pro' })}` };
  client = hc<AppType>('http://localhost', {
    fetch: async (input: RequestInfo | URL, init?: RequestInit) =>
      t.request(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, init),
    headers: () => auth,
  });
});

afterAll(async () => {
  await t?.close();
});

describe('hc<AppType> drives a whole workshop', () => {
  let workshopId = '';

  it('creates a workshop', async () => {
    // @ts-expect-error: the body needs originalIdea; `idea` is no field of CreateWorkshop
    const refused = await client.api.workshops.$post({ json: { idea: 'An app' } });
    expect(refused.status).toBe(400);

    const res = await client.api.workshops.$post({ json: { originalIdea: 'Hot meals for night shifts' } });
    assertStatus(res, 201);
    const workshop = await res.json();
    expectTypeOf(workshop.id).toEqualTypeOf<string>();
    expectTypeOf(workshop.status).toEqualTypeOf<WorkshopStatus>();
    expectTypeOf(workshop.progress).toEqualTypeOf<{ completed: number; total: number }>();
    expectTypeOf(workshop.steps).items.toHaveProperty('available').toEqualTypeOf<boolean>();
    // @ts-expect-error: the field is currentStepId
    expect(workshop.currentStep).toBeUndefined();

    expect(workshop).toMatchObject({ status: 'draft', role: 'owner', currentStepId: 'challenge' });
    expect(workshop.steps.map((step) => step.id)).toEqual(STEP_OUTPUTS.map((step) => step.id));
    expect(res.headers.get('location')).toBe(`/api/workshops/${workshop.id}`);
    workshopId = workshop.id;
  });

  it('lists it', async () => {
    const res = await client.api.workshops.$get({ query: { limit: '5' } });
    assertStatus(res, 200);
    const page = await res.json();
    expectTypeOf(page.nextCursor).toEqualTypeOf<string | null>();
    expect(page.items.map((item) => item.id)).toContain(workshopId);
  });

  it('reads the ten steps', async () => {
    const res = await client.api.workshops[':workshopId'].steps.$get({ param: { workshopId } });
    assertStatus(res, 200);
    const { items } = await res.json();
    expectTypeOf(items).items.toHaveProperty('status').toEqualTypeOf<StepStatus>();
    expect(items.map((step) => [step.id, step.status, step.available])).toEqual(
      STEP_OUTPUTS.map((step, index) => [step.id, 'not_started', index === 0]),
    );
  });

  it('types an output that is not there yet as null: one step, and every step of the shared view', async () => {
    const read = await client.api.workshops[':workshopId'].steps[':stepId'].$get({
      param: { workshopId, stepId: 'challenge' },
    });
    assertStatus(read, 200);
    const step = await read.json();
    expectTypeOf(step.output).toEqualTypeOf<{ [key: string]: JSONValue } | null>();
    expect(step.output).toBeNull();

    const shared = await client.api.workshops[':workshopId'].share.$put({ param: { workshopId } });
    assertStatus(shared, 200);
    const { shareToken } = await shared.json();
    const view = await client.api.shared[':shareToken'].$get({ param: { shareToken } });
    assertStatus(view, 200);
    const { steps } = await view.json();
    expectTypeOf(steps).items.toHaveProperty('output').toEqualTypeOf<{ [key: string]: JSONValue } | null>();
    expect(steps.map((sharedStep) => sharedStep.output)).toEqual(STEP_OUTPUTS.map(() => null));
  });

  it('reads the context, saves the output and completes each step in turn', async () => {
    const steps = client.api.workshops[':workshopId'].steps[':stepId'];
    let sessionId: string | undefined;
    for (const [index, { id: stepId, output }] of STEP_OUTPUTS.entries()) {
      const param = { workshopId, stepId };
      // Per-call headers replace the client's, so they repeat Authorization.
      const headers = { ...auth, ...(sessionId ? { 'X-Session-Id': sessionId } : {}) };

      const contextRes = await steps.context.$get({ param, query: { include: 'both' } }, { headers });
      assertStatus(contextRes, 200);
      sessionId = contextRes.headers.get('x-session-id') ?? undefined;
      const context = await contextRes.json();
      expectTypeOf(context.prompt).toEqualTypeOf<string | undefined>();
      expectTypeOf(context.earlierSteps)
        .exclude<undefined>()
        .items.toHaveProperty('output')
        .toEqualTypeOf<{ [key: string]: JSONValue } | null>();
      expect(context.step.id).toBe(stepId);
      expect(typeof context.prompt).toBe('string');
      expect(context.earlierSteps?.map((step) => [step.id, step.output])).toEqual(
        STEP_OUTPUTS.slice(0, index).map((step) => [step.id, step.output]),
      );

      const saved = await steps.output.$put({ param, json: { output } }, { headers });
      assertStatus(saved, 200);
      const savedStep = await saved.json();
      // hc serialises `unknown` as any JSON value: an output is a JSON object or null.
      expectTypeOf(savedStep.output).toEqualTypeOf<{ [key: string]: JSONValue } | null>();
      expect(savedStep).toMatchObject({ id: stepId, status: 'in_progress', output });

      const done = await steps.complete.$post({ param, json: { by: 'ai' } }, { headers });
      assertStatus(done, 200);
      const completed = await done.json();
      expectTypeOf(completed.completion).toEqualTypeOf<'ai_confirmed' | 'user_skipped' | null>();
      expect(completed).toMatchObject({ status: 'complete', completion: 'ai_confirmed' });
    }
    expect(sessionId).toMatch(/^ses_/);

    const res = await client.api.workshops[':workshopId'].$get({ param: { workshopId } });
    assertStatus(res, 200);
    const workshop = await res.json();
    expect(workshop).toMatchObject({
      status: 'completed',
      progress: { completed: 10, total: 10 },
      currentStepId: null,
    });
  });

  it('creates a build pack and fetches its content', async () => {
    const packs = client.api.workshops[':workshopId']['build-packs'];
    const created = await packs.$post({ param: { workshopId }, json: { format: 'markdown' } });
    assertStatus(created, 201);
    const pack = await created.json();
    expectTypeOf(pack.format).toEqualTypeOf<'markdown' | 'json' | 'pdf'>();
    expect(pack).toMatchObject({ workshopId, format: 'markdown' });

    const content = await packs[':packId'].content.$get({ param: { workshopId, packId: pack.id } });
    assertStatus(content, 200);
    expect(content.headers.get('content-type')).toMatch(/^text\/markdown/);
    const markdown = await content.text();
    expectTypeOf(markdown).toEqualTypeOf<string>();
    for (const step of STEP_OUTPUTS) expect(markdown).toContain(step.name);
  });

  it('types a content-negotiated body as unknown (the limit of the inference)', async () => {
    const packs = client.api.workshops[':workshopId']['build-packs'];
    const created = await packs.$post({ param: { workshopId }, json: { format: 'json' } });
    assertStatus(created, 201);
    const pack = await created.json();
    const content = await packs[':packId'].content.$get({ param: { workshopId, packId: pack.id } });
    expect(content.headers.get('content-type')).toMatch(/^application\/json/);
    const document = await content.json();
    // Three content types share one 200 response, so hc cannot know which one a call gets.
    expectTypeOf(document).toBeUnknown();
    expect(document).toMatchObject({ workshop: { status: 'completed' } });
  });
});
