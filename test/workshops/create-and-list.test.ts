/** Creating workshops and listing a caller's workshops: what each call answers, and what it leaves in the database. */
import { describe, expect, it } from 'vitest';
import { STEP_DEFINITIONS } from '../../src/domain/step-catalogue';
import {
  useWorkshopsApp,
  WORKSHOP_ETAG,
  WORKSHOP_ID,
  type Workshop,
  type WorkshopDetail,
  type WorkshopPage,
} from './support';

const { call, json, createWorkshop, addMember, query, workshopRow, setStatus, testApp } = useWorkshopsApp();

describe('POST /api/workshops', () => {
  it('starts a draft workshop with its owner membership and ten not-started steps, in order', async () => {
    // The organization is the one active in the creator's session token.
    const inOrganization = await testApp().token('user_creator', {
      claims: { o: { id: 'org_2abc', rol: 'admin' } },
    });
    const response = await call(
      'POST',
      '/api/workshops',
      'user_creator',
      {
        originalIdea: 'An app that plans meals around rotating shifts',
        title: 'Meal planning for shift workers',
        orgId: 'org_2abc',
        templateId: 'tpl_basic',
      },
      { Authorization: `Bearer ${inOrganization}` },
    );
    const body = await json<WorkshopDetail>(response, 201);

    expect(body.id).toMatch(WORKSHOP_ID);
    expect(response.headers.get('location')).toBe(`/api/workshops/${body.id}`);
    expect(response.headers.get('etag')).toMatch(WORKSHOP_ETAG);
    expect(body).toMatchObject({
      title: 'Meal planning for shift workers',
      originalIdea: 'An app that plans meals around rotating shifts',
      status: 'draft',
      visibility: 'private',
      role: 'owner',
      progress: { completed: 0, total: 10 },
      currentStepId: 'challenge',
      shareToken: null,
      orgId: 'org_2abc',
      templateId: 'tpl_basic',
    });
    expect(body.steps.map((step) => [step.position, step.id, step.name])).toEqual(
      STEP_DEFINITIONS.map((definition) => [definition.position, definition.id, definition.name]),
    );
    expect(body.steps.every((step) => step.status === 'not_started' && step.completion === null)).toBe(true);
    expect(body.steps.map((step) => step.available)).toEqual([true, ...Array<boolean>(9).fill(false)]);

    expect(await workshopRow(body.id)).toMatchObject({
      title: 'Meal planning for shift workers',
      original_idea: 'An app that plans meals around rotating shifts',
      status: 'draft',
      visibility: 'private',
      share_token: null,
      clerk_user_id: 'user_creator',
      org_id: 'org_2abc',
      template_id: 'tpl_basic',
    });
    expect(
      await query('select clerk_user_id, role from workshop_members where workshop_id = $1', [body.id]),
    ).toEqual([{ clerk_user_id: 'user_creator', role: 'owner' }]);
    const steps = await query<{ step_id: string; status: string; output: unknown; started_at: Date | null }>(
      `select ws.step_id, ws.status, ws.output, ws.started_at from workshop_steps ws
         join step_definitions d on d.id = ws.step_id where ws.workshop_id = $1 order by d.position`,
      [body.id],
    );
    expect(steps).toEqual(
      STEP_DEFINITIONS.map((definition) => ({
        step_id: definition.id,
        status: 'not_started',
        output: null,
        started_at: null,
      })),
    );
  });

  it('is what Location names, with the same ETag', async () => {
    const response = await call('POST', '/api/workshops', 'user_creator', { originalIdea: 'Read it back' });
    const created = await json<WorkshopDetail>(response, 201);
    const location = response.headers.get('location') ?? '';
    const read = await call('GET', location, 'user_creator');
    expect(read.headers.get('etag')).toBe(response.headers.get('etag'));
    expect(await json<WorkshopDetail>(read, 200)).toEqual(created);
  });

  it('derives the title from the first non-blank line of the idea when none is given', async () => {
    const created = await createWorkshop('user_creator', {
      originalIdea: '\n   \n  Help   night nurses   eat well  \nThey work twelve-hour shifts.',
    });
    expect(created.title).toBe('Help night nurses eat well');
    expect((await workshopRow(created.id))?.title).toBe('Help night nurses eat well');
  });

  it('cuts a derived title at a word boundary with an ellipsis when the first line is long', async () => {
    const idea = `${'word '.repeat(40)}end`;
    const created = await createWorkshop('user_creator', { originalIdea: idea });
    expect(created.title.endsWith('…')).toBe(true);
    expect(Array.from(created.title).length).toBeLessThanOrEqual(80);
    expect(idea.startsWith(created.title.slice(0, -1))).toBe(true);
    expect((await workshopRow(created.id))?.title).toBe(created.title);
  });
});

describe('GET /api/workshops', () => {
  it("lists only the caller's workshops, whatever their role, with role, progress and current step", async () => {
    const mine = await createWorkshop('user_lister', { title: 'Mine' });
    const theirs = await createWorkshop('user_lister_friend', { title: 'Theirs, shared with me' });
    const hidden = await createWorkshop('user_lister_friend', { title: 'Theirs alone' });
    await addMember(theirs.id, 'user_lister_friend', 'user_lister', 'editor');
    // The first step done (straight in the database: the step routes are tested elsewhere).
    await query(
      `update workshop_steps set status = 'complete', completion = 'ai_confirmed', started_at = now(), completed_at = now()
        where workshop_id = $1 and step_id = 'challenge'`,
      [mine.id],
    );

    const page = await json<WorkshopPage>(await call('GET', '/api/workshops', 'user_lister'), 200);
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((item) => item.id).sort()).toEqual([mine.id, theirs.id].sort());
    expect(page.items.map((item) => item.id)).not.toContain(hidden.id);
    const byId = new Map(page.items.map((item) => [item.id, item]));
    expect(byId.get(mine.id)).toMatchObject({
      role: 'owner',
      progress: { completed: 1, total: 10 },
      currentStepId: 'stakeholder-mapping',
    });
    expect(byId.get(theirs.id)).toMatchObject({
      role: 'editor',
      progress: { completed: 0, total: 10 },
      currentStepId: 'challenge',
    });
  });

  it('filters by status', async () => {
    const draft = await createWorkshop('user_filter');
    const paused = await createWorkshop('user_filter');
    const active = await createWorkshop('user_filter');
    await setStatus(paused.id, 'paused');
    await setStatus(active.id, 'active');

    for (const [status, expected] of [
      ['draft', [draft.id]],
      ['paused', [paused.id]],
      ['active', [active.id]],
      ['completed', []],
    ] as const) {
      const page = await json<WorkshopPage>(
        await call('GET', `/api/workshops?status=${status}`, 'user_filter'),
        200,
      );
      expect(
        page.items.map((item) => item.id),
        status,
      ).toEqual(expected);
      expect(page.items.every((item) => item.status === status)).toBe(true);
    }
  });

  it('pages with a cursor, newest activity first, without duplicates or omissions', async () => {
    const created: string[] = [];
    for (let index = 0; index < 5; index++) created.push((await createWorkshop('user_pager')).id);
    // Activity on the oldest one brings it to the front.
    expect(
      (await call('PATCH', `/api/workshops/${created[0]}`, 'user_pager', { title: 'Touched' })).status,
    ).toBe(200);

    const seen: Workshop[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    for (let pageNumber = 0; pageNumber < 10; pageNumber++) {
      const path: string = `/api/workshops?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: WorkshopPage = await json<WorkshopPage>(await call('GET', path, 'user_pager'), 200);
      seen.push(...page.items);
      sizes.push(page.items.length);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(sizes).toEqual([2, 2, 1]);
    const ids = seen.map((item) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...created].sort());
    expect(ids[0]).toBe(created[0]);
    const updated = seen.map((item) => Date.parse(item.updatedAt));
    expect(updated).toEqual([...updated].sort((a, b) => b - a));

    const rows = await query<{ id: string }>(
      `select w.id from workshops w join workshop_members m on m.workshop_id = w.id
        where m.clerk_user_id = $1 order by w.updated_at desc, w.id desc`,
      ['user_pager'],
    );
    expect(ids).toEqual(rows.map((row) => row.id));
  });
});
