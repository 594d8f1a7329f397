import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../support/problem';
import { createTestApp, jsonBody, type TestApp } from '../support/test-app';
import {
  createWorkshop,
  getStep,
  ISO_UTC,
  newUser,
  readJson,
  STEPS,
  type StepBody,
  type StepWithOutputBody,
  type WorkshopDetailBody,
} from './support';

interface DefinitionBody {
  id: string;
  position: number;
  name: string;
  description: string;
  promptTemplate: string | null;
  updatedAt: string;
}

interface DefinitionRecord {
  id: string;
  name: string;
  description: string;
  prompt_template: string | null;
  updated_at: Date;
}

/** Reads and writes get databases of their own, so the listing never sees an edit made by another test. */
let reader: TestApp;
let t: TestApp;
let admin: Record<string, string>;

beforeAll(async () => {
  [reader, t] = await Promise.all([createTestApp(), createTestApp()]);
  admin = await t.as('user_admin', { admin: true });
});

afterAll(async () => {
  await Promise.all([reader?.close(), t?.close()]);
});

const list = (headers: Record<string, string> = {}, app: TestApp = t) =>
  app.request('/api/step-definitions', { headers });

const patch = (stepId: string, body: unknown, headers: Record<string, string> = admin) =>
  t.request(`/api/step-definitions/${stepId}`, { method: 'PATCH', ...jsonBody(body, headers) });

async function definitionRecord(stepId: string): Promise<DefinitionRecord | undefined> {
  const { rows } = await t.database.sql.query<DefinitionRecord>(
    'select id, name, description, prompt_template, updated_at from step_definitions where id = $1',
    [stepId],
  );
  return rows[0];
}

async function allDefinitionRecords(): Promise<DefinitionRecord[]> {
  const { rows } = await t.database.sql.query<DefinitionRecord>(
    'select id, name, description, prompt_template, updated_at from step_definitions order by position',
  );
  return rows;
}

describe('GET /api/step-definitions (public)', () => {
  it('lists the ten definitions in order, with the slugs and names of the data model, without a token', async () => {
    const response = await list({}, reader);
    const body = await readJson<{ items: DefinitionBody[] }>(response, 200);

    expect(body.items.map(({ id, name }) => ({ id, name }))).toEqual(
      STEPS.map(({ id, name }) => ({ id, name })),
    );
    expect(body.items.map((item) => item.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const item of body.items) {
      expect(item.description.trim().length).toBeGreaterThan(0);
      expect(item.description).not.toContain('\n');
      expect(item.updatedAt).toMatch(ISO_UTC);
      expect(Object.keys(item).sort()).toEqual([
        'description',
        'id',
        'name',
        'position',
        'promptTemplate',
        'updatedAt',
      ]);
    }
  });

  it('names its version in a quoted ETag that stays the same while nothing changes', async () => {
    const first = await list({}, reader);
    const second = await list({}, reader);
    const etag = first.headers.get('etag');
    expect(first.status).toBe(200);
    expect(etag).toMatch(/^(W\/)?"[^"]+"$/);
    expect(second.headers.get('etag')).toBe(etag);
  });

  it('answers 304 with no body (and the same ETag) to an If-None-Match naming the current version', async () => {
    const etag = (await list({}, reader)).headers.get('etag') ?? '';
    const response = await list({ 'If-None-Match': etag }, reader);
    expect(response.status).toBe(304);
    expect(await response.text()).toBe('');
    expect(response.headers.get('etag')).toBe(etag);
  });

  it.each([
    ['weak', (etag: string) => `W/${etag}`],
    ['in a list', (etag: string) => `"sd-other", ${etag}`],
  ])('also answers 304 when the current ETag is sent %s', async (_label, toHeader) => {
    const etag = (await list({}, reader)).headers.get('etag') ?? '';
    const response = await list({ 'If-None-Match': toHeader(etag) }, reader);
    expect(response.status).toBe(304);
    expect(await response.text()).toBe('');
  });

  it('answers 200 with the list to an If-None-Match naming another version', async () => {
    const response = await list({ 'If-None-Match': '"sd-stale"' }, reader);
    const body = await readJson<{ items: DefinitionBody[] }>(response, 200);
    expect(body.items).toHaveLength(10);
  });
});

describe('PATCH /api/step-definitions/{stepId} (admin)', () => {
  it('changes name, description and prompt template: answered, stored, updated_at moved, list ETag changed', async () => {
    const before = await definitionRecord('persona');
    const listBefore = await list();
    const etagBefore = listBefore.headers.get('etag');

    const changes = {
      name: 'Personas ✨',
      description: 'Condense the insights into personas (edited by an admin).',
      promptTemplate: 'You are helping with {{step}} for: {{idea}} — مرحبا',
    };
    const response = await patch('persona', changes);
    const body = await readJson<DefinitionBody>(response, 200);

    expect(body).toMatchObject({ id: 'persona', position: 5, ...changes });
    expect(body.updatedAt).toMatch(ISO_UTC);

    const after = await definitionRecord('persona');
    expect(after).toMatchObject({
      name: changes.name,
      description: changes.description,
      prompt_template: changes.promptTemplate,
    });
    expect(before && after && after.updated_at.getTime() > before.updated_at.getTime()).toBe(true);
    expect(body.updatedAt).toBe(after?.updated_at.toISOString());

    const listAfter = await list();
    expect(listAfter.headers.get('etag')).not.toBe(etagBefore);
    const items = (await readJson<{ items: DefinitionBody[] }>(listAfter, 200)).items;
    expect(items.find((item) => item.id === 'persona')).toMatchObject(changes);

    // The old version no longer matches: a cache holding it gets the new list.
    const revalidated = await list({ 'If-None-Match': etagBefore ?? '' });
    expect(revalidated.status).toBe(200);
  });

  it('changes one field and leaves the others as they were', async () => {
    const before = await definitionRecord('ideation');
    const response = await patch('ideation', { description: 'Only the description changes.' });
    const body = await readJson<DefinitionBody>(response, 200);
    expect(body).toMatchObject({
      id: 'ideation',
      name: 'Ideation',
      description: 'Only the description changes.',
    });
    expect(await definitionRecord('ideation')).toMatchObject({
      name: before?.name,
      prompt_template: before?.prompt_template,
      description: 'Only the description changes.',
    });
  });

  it('clears the prompt template with null', async () => {
    await readJson(await patch('concept', { promptTemplate: 'Template to clear' }), 200);
    const body = await readJson<DefinitionBody>(await patch('concept', { promptTemplate: null }), 200);
    expect(body.promptTemplate).toBeNull();
    expect((await definitionRecord('concept'))?.prompt_template).toBeNull();
  });

  it('refuses a signed-in user who is not an admin with 403, and changes nothing', async () => {
    const before = await allDefinitionRecords();
    const response = await patch('challenge', { name: 'Hijacked' }, await t.as(newUser('plain')));
    await expectProblem(response, 403, 'forbidden');
    expect(await allDefinitionRecords()).toEqual(before);
  });

  it('refuses an anonymous caller with 401, and changes nothing', async () => {
    const before = await allDefinitionRecords();
    const response = await patch('challenge', { name: 'Hijacked' }, {});
    await expectProblem(response, 401, 'unauthorized');
    expect(await allDefinitionRecords()).toEqual(before);
  });

  it.each([
    ['an unknown slug', 'no-such-step'],
    ['a slug of the wrong shape', 'Not_A_Slug!'],
    ['an SQL-ish slug', encodeURIComponent("'; drop table step_definitions; --")],
  ])('answers 404 for %s', async (_label, stepId) => {
    const response = await patch(stepId, { name: 'Whatever' });
    await expectProblem(response, 404, 'not_found');
    expect(await allDefinitionRecords()).toHaveLength(10);
  });

  it.each([
    ['an unknown field', { name: 'Fine', position: 1 }],
    ['an id in the body', { id: 'other' }],
    ['a NUL in the name', { name: 'Chal\u0000lenge' }],
    ['a NUL in the prompt template', { promptTemplate: 'a\u0000b' }],
    ['an empty body {}', {}],
    ['a blank name', { name: '   ' }],
    ['a name of the wrong type', { name: 42 }],
    ['a name over its bound', { name: 'n'.repeat(101) }],
  ])('refuses %s with 400 and changes nothing', async (_label, body) => {
    const before = await allDefinitionRecords();
    const response = await patch('challenge', body);
    const problem = await expectProblem(response, 400, 'validation_failed');
    expect(problem.errors?.length).toBeGreaterThan(0);
    expect(await allDefinitionRecords()).toEqual(before);
  });

  it('refuses malformed JSON with 400', async () => {
    const response = await t.request('/api/step-definitions/challenge', {
      method: 'PATCH',
      body: '{"name": ',
      headers: { ...admin, 'Content-Type': 'application/json' },
    });
    await expectProblem(response, 400, 'malformed_json');
  });
});

describe('an edited definition reaches every workshop at once (data, not a deploy)', () => {
  it('the steps of an existing workshop show the new name, description and prompt template', async () => {
    const workshop = await createWorkshop(t);
    const changes = {
      name: 'Reframe ✍️',
      description: 'Reframed description.',
      promptTemplate: 'Reframe {{idea}}',
    };
    await readJson(await patch('reframe', changes), 200);

    const { items } = await readJson<{ items: StepBody[] }>(
      await t.request(`/api/workshops/${workshop.id}/steps`, { headers: workshop.headers }),
      200,
    );
    expect(items.find((step) => step.id === 'reframe')).toMatchObject(changes);
    const step = await readJson<StepWithOutputBody>(await getStep(t, workshop, 'reframe'), 200);
    expect(step).toMatchObject(changes);
  });

  it('a cached step is not revalidated as unchanged (304) after its definition changed', async () => {
    const workshop = await createWorkshop(t);
    const cached = await getStep(t, workshop, 'journey-mapping');
    const etag = cached.headers.get('etag') ?? '';
    expect((await readJson<StepWithOutputBody>(cached, 200)).name).toBe('Journey Mapping');

    await readJson(await patch('journey-mapping', { name: 'Journey Maps' }), 200);

    const revalidated = await getStep(t, workshop, 'journey-mapping', { extra: { 'If-None-Match': etag } });
    const step = await readJson<StepWithOutputBody>(revalidated, 200);
    expect(step.name).toBe('Journey Maps');
    expect(revalidated.headers.get('etag')).not.toBe(etag);
  });

  it('a cached workshop (whose steps carry their names) is not revalidated as unchanged (304) either', async () => {
    const workshop = await createWorkshop(t);
    const cached = await t.request(`/api/workshops/${workshop.id}`, { headers: workshop.headers });
    const etag = cached.headers.get('etag') ?? '';
    expect(cached.status).toBe(200);

    await readJson(await patch('user-research', { name: 'Field Research' }), 200);

    const revalidated = await t.request(`/api/workshops/${workshop.id}`, {
      headers: { ...workshop.headers, 'If-None-Match': etag },
    });
    const body = await readJson<WorkshopDetailBody>(revalidated, 200);
    expect(body.steps.find((step) => step.id === 'user-research')?.name).toBe('Field Research');
  });
});
