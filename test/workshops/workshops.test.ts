/**
 * Workshops, sharing and members (docs/api.md, Routes): what each call answers, and what it leaves in the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_DEFINITIONS } from '../../src/db/step-definitions';
import { CHILD_TABLES, snapshotWorkshop } from '../support/authz-matrix';
import { expectProblem } from '../support/problem';
import { createTestApp, jsonBody, type TestApp } from '../support/test-app';

interface StepSummary {
  id: string;
  position: number;
  name: string;
  status: string;
  completion: string | null;
  available: boolean;
  startedAt: string | null;
  completedAt: string | null;
}

interface Workshop {
  id: string;
  title: string;
  originalIdea: string;
  status: string;
  visibility: string;
  role: string;
  progress: { completed: number; total: number };
  currentStepId: string | null;
  orgId: string | null;
  templateId: string | null;
  createdAt: string;
  updatedAt: string;
}

interface WorkshopDetail extends Workshop {
  shareToken: string | null;
  steps: StepSummary[];
}

interface WorkshopPage {
  items: Workshop[];
  nextCursor: string | null;
}

interface Member {
  clerkUserId: string;
  role: string;
  createdAt: string;
}

const WORKSHOP_ID = /^ws_[a-z][a-z0-9]{23}$/;
const WORKSHOP_ETAG = /^"ws-[0-9a-z]+(\.[0-9a-z]+)*-[a-z_]+"$/;
const SHARE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

let app: TestApp;
const tokens = new Map<string, Promise<Record<string, string>>>();

beforeAll(async () => {
  app = await createTestApp({ WORKSHOP_CAPS: 'free:1000', DB_TIMEOUT_MS: '30000' });
});

afterAll(async () => {
  await app?.close();
});

/** The Authorization header of a user (one token per user and file). */
function as(userId: string): Promise<Record<string, string>> {
  let headers = tokens.get(userId);
  if (!headers) {
    headers = app.as(userId);
    tokens.set(userId, headers);
  }
  return headers;
}

async function call(
  method: string,
  path: string,
  userId: string | undefined,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<Response> {
  const auth = userId === undefined ? {} : await as(userId);
  const headers = { ...auth, ...extraHeaders };
  return app.request(path, body === undefined ? { method, headers } : { method, ...jsonBody(body, headers) });
}

async function json<T>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return JSON.parse(text) as T;
}

async function createWorkshop(userId: string, body: Record<string, unknown> = {}): Promise<WorkshopDetail> {
  const response = await call('POST', '/api/workshops', userId, {
    originalIdea: 'A workshop for a test',
    ...body,
  });
  return json<WorkshopDetail>(response, 201);
}

async function addMember(workshopId: string, ownerId: string, memberId: string, role: string): Promise<void> {
  const response = await call('PUT', `/api/workshops/${workshopId}/members/${memberId}`, ownerId, { role });
  expect([200, 201], await response.clone().text()).toContain(response.status);
}

async function query<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await app.database.sql.query(text, params)).rows as T[];
}

async function workshopRow(id: string) {
  const [row] = await query<{
    title: string;
    original_idea: string;
    status: string;
    visibility: string;
    share_token: string | null;
    clerk_user_id: string;
    org_id: string | null;
    template_id: string | null;
    updated_at: Date;
  }>('select * from workshops where id = $1', [id]);
  return row;
}

async function roleOf(workshopId: string, userId: string): Promise<string | undefined> {
  const [row] = await query<{ role: string }>(
    'select role from workshop_members where workshop_id = $1 and clerk_user_id = $2',
    [workshopId, userId],
  );
  return row?.role;
}

async function ownerCount(workshopId: string): Promise<number> {
  const [row] = await query<{ count: number }>(
    "select count(*)::int as count from workshop_members where workshop_id = $1 and role = 'owner'",
    [workshopId],
  );
  return row?.count ?? 0;
}

async function setStatus(workshopId: string, status: string): Promise<void> {
  await query('update workshops set status = $2 where id = $1', [workshopId, status]);
}

describe('POST /api/workshops', () => {
  it('starts a draft workshop with its owner membership and ten not-started steps, in order', async () => {
    // The organization is the one active in the creator's session token.
    const inOrganization = await app.token('user_creator', {
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

describe('GET /api/workshops/{workshopId}', () => {
  it('answers the workshop with an ETag, and 304 to If-None-Match with that ETag', async () => {
    const created = await createWorkshop('user_reader');
    const first = await call('GET', `/api/workshops/${created.id}`, 'user_reader');
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(WORKSHOP_ETAG);
    expect((await json<WorkshopDetail>(first, 200)).id).toBe(created.id);

    const unchanged = await call('GET', `/api/workshops/${created.id}`, 'user_reader', undefined, {
      'If-None-Match': etag,
    });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get('etag')).toBe(etag);
    expect(await unchanged.text()).toBe('');

    const weak = await call('GET', `/api/workshops/${created.id}`, 'user_reader', undefined, {
      'If-None-Match': `"something-else", W/${etag}`,
    });
    expect(weak.status).toBe(304);

    expect(
      (await call('PATCH', `/api/workshops/${created.id}`, 'user_reader', { title: 'Changed' })).status,
    ).toBe(200);
    const changed = await call('GET', `/api/workshops/${created.id}`, 'user_reader', undefined, {
      'If-None-Match': etag,
    });
    expect((await json<WorkshopDetail>(changed, 200)).title).toBe('Changed');
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('shows a member their role, and the share token to owners only', async () => {
    const created = await createWorkshop('user_share_owner');
    await addMember(created.id, 'user_share_owner', 'user_share_viewer', 'viewer');
    const share = await json<{ shareToken: string }>(
      await call('PUT', `/api/workshops/${created.id}/share`, 'user_share_owner'),
      200,
    );
    const asOwner = await json<WorkshopDetail>(
      await call('GET', `/api/workshops/${created.id}`, 'user_share_owner'),
      200,
    );
    const asViewer = await json<WorkshopDetail>(
      await call('GET', `/api/workshops/${created.id}`, 'user_share_viewer'),
      200,
    );
    expect(asOwner).toMatchObject({ role: 'owner', visibility: 'shared', shareToken: share.shareToken });
    expect(asViewer).toMatchObject({ role: 'viewer', visibility: 'shared', shareToken: null });
  });
});

describe('PATCH /api/workshops/{workshopId}', () => {
  it('changes the title and the idea, and moves the ETag on', async () => {
    const created = await createWorkshop('user_editor_a', { title: 'Before', originalIdea: 'Idea before' });
    const before = await workshopRow(created.id);
    const response = await call('PATCH', `/api/workshops/${created.id}`, 'user_editor_a', {
      title: 'After',
      originalIdea: 'Idea after',
    });
    const body = await json<WorkshopDetail>(response, 200);
    expect(body).toMatchObject({ title: 'After', originalIdea: 'Idea after', status: 'draft' });
    expect(response.headers.get('etag')).toMatch(WORKSHOP_ETAG);
    const after = await workshopRow(created.id);
    expect(after).toMatchObject({ title: 'After', original_idea: 'Idea after', status: 'draft' });
    expect(after?.updated_at.getTime()).toBeGreaterThan(
      before?.updated_at.getTime() ?? Number.POSITIVE_INFINITY,
    );
    expect(Date.parse(body.updatedAt)).toBe(after?.updated_at.getTime());

    const onlyTitle = await json<WorkshopDetail>(
      await call('PATCH', `/api/workshops/${created.id}`, 'user_editor_a', { title: 'Only the title' }),
      200,
    );
    expect(onlyTitle).toMatchObject({ title: 'Only the title', originalIdea: 'Idea after' });
  });

  // Manual transitions (the route's contract): completed follows from the last step, never from a PATCH.
  const ALLOWED: readonly (readonly [string, string])[] = [
    ['draft', 'active'],
    ['draft', 'paused'],
    ['active', 'paused'],
    ['paused', 'active'],
    ['completed', 'active'],
  ];
  const FORBIDDEN: readonly (readonly [string, string])[] = [
    ['draft', 'completed'],
    ['active', 'draft'],
    ['active', 'completed'],
    ['paused', 'draft'],
    ['paused', 'completed'],
    ['completed', 'draft'],
    ['completed', 'paused'],
  ];

  it.each(ALLOWED)('allows %s → %s', async (from, to) => {
    const created = await createWorkshop('user_transitions');
    await setStatus(created.id, from);
    const body = await json<WorkshopDetail>(
      await call('PATCH', `/api/workshops/${created.id}`, 'user_transitions', { status: to }),
      200,
    );
    expect(body.status).toBe(to);
    expect((await workshopRow(created.id))?.status).toBe(to);
  });

  it.each(FORBIDDEN)('refuses %s → %s with 409 invalid_transition, changing nothing', async (from, to) => {
    const created = await createWorkshop('user_transitions');
    await setStatus(created.id, from);
    const before = await workshopRow(created.id);
    const problem = await expectProblem(
      await call('PATCH', `/api/workshops/${created.id}`, 'user_transitions', {
        status: to,
        title: 'Not applied',
      }),
      409,
      'invalid_transition',
    );
    expect(problem).toMatchObject({ from, to });
    expect(problem.detail).toBe(`${from === 'active' ? 'An' : 'A'} ${from} workshop cannot become ${to}.`);
    expect(await workshopRow(created.id)).toEqual(before);
  });

  it('honours If-Match: the current ETag → 200; a stale one → 412 and nothing changes', async () => {
    const created = await createWorkshop('user_if_match', { title: 'Version one' });
    const read = await call('GET', `/api/workshops/${created.id}`, 'user_if_match');
    const current = read.headers.get('etag') ?? '';

    const updated = await call(
      'PATCH',
      `/api/workshops/${created.id}`,
      'user_if_match',
      { title: 'Version two' },
      {
        'If-Match': current,
      },
    );
    expect((await json<WorkshopDetail>(updated, 200)).title).toBe('Version two');
    const newer = updated.headers.get('etag') ?? '';
    expect(newer).not.toBe(current);

    const before = await workshopRow(created.id);
    const problem = await expectProblem(
      await call(
        'PATCH',
        `/api/workshops/${created.id}`,
        'user_if_match',
        { title: 'Lost update', status: 'active' },
        {
          'If-Match': current,
        },
      ),
      412,
      'precondition_failed',
    );
    expect(problem.currentETag).toBe(newer);
    expect(await workshopRow(created.id)).toEqual(before);
    expect(before?.title).toBe('Version two');
  });

  it('lets an editor edit, and refuses a viewer with 403 without changing anything', async () => {
    const created = await createWorkshop('user_patch_owner', { title: 'Original' });
    await addMember(created.id, 'user_patch_owner', 'user_patch_editor', 'editor');
    await addMember(created.id, 'user_patch_owner', 'user_patch_viewer', 'viewer');

    const before = await workshopRow(created.id);
    await expectProblem(
      await call('PATCH', `/api/workshops/${created.id}`, 'user_patch_viewer', { title: 'By the viewer' }),
      403,
      'forbidden',
    );
    expect(await workshopRow(created.id)).toEqual(before);

    const byEditor = await json<WorkshopDetail>(
      await call('PATCH', `/api/workshops/${created.id}`, 'user_patch_editor', { title: 'By the editor' }),
      200,
    );
    expect(byEditor).toMatchObject({ title: 'By the editor', role: 'editor' });
    expect((await workshopRow(created.id))?.title).toBe('By the editor');
  });
});

describe('DELETE /api/workshops/{workshopId}', () => {
  /** A workshop with something in every child table. */
  async function populated(ownerId: string): Promise<WorkshopDetail> {
    const created = await createWorkshop(ownerId);
    await addMember(created.id, ownerId, `${ownerId}_editor`, 'editor');
    await addMember(created.id, ownerId, `${ownerId}_viewer`, 'viewer');
    await query('insert into sessions (id, workshop_id) values ($1, $2), ($3, $2)', [
      `ses_${crypto.randomUUID().replaceAll('-', '')}`,
      created.id,
      `ses_${crypto.randomUUID().replaceAll('-', '')}`,
    ]);
    await query(
      "insert into build_packs (id, workshop_id, title, format_type) values ($1, $2, 'Pack', 'markdown')",
      [`bp_${crypto.randomUUID().replaceAll('-', '')}`, created.id],
    );
    return created;
  }

  async function countsFor(workshopId: string) {
    const counts: Record<string, number> = {};
    for (const table of CHILD_TABLES) {
      const [row] = await query<{ count: number }>(
        `select count(*)::int as count from ${table} where workshop_id = $1`,
        [workshopId],
      );
      counts[table] = row?.count ?? -1;
    }
    return counts;
  }

  it('without ?confirm=true answers 428 with the counts of what would go, and deletes nothing', async () => {
    const created = await populated('user_deleter');
    const before = await snapshotWorkshop(app.database.sql, created.id);
    const counts = await countsFor(created.id);
    const problem = await expectProblem(
      await call('DELETE', `/api/workshops/${created.id}`, 'user_deleter'),
      428,
      'confirmation_required',
    );
    expect(problem.wouldDelete).toEqual({
      steps: counts.workshop_steps,
      sessions: counts.sessions,
      buildPacks: counts.build_packs,
      members: counts.workshop_members,
    });
    expect(problem.wouldDelete).toEqual({ steps: 10, sessions: 2, buildPacks: 1, members: 3 });
    expect(await snapshotWorkshop(app.database.sql, created.id)).toEqual(before);

    await expectProblem(
      await call('DELETE', `/api/workshops/${created.id}?confirm=false`, 'user_deleter'),
      428,
      'confirmation_required',
    );
    expect(await snapshotWorkshop(app.database.sql, created.id)).toEqual(before);
  });

  it('answers 400 to a confirm that is neither true nor false (a documented answer), and deletes nothing', async () => {
    const created = await populated('user_deleter');
    const before = await snapshotWorkshop(app.database.sql, created.id);
    const problem = await expectProblem(
      await call('DELETE', `/api/workshops/${created.id}?confirm=AAA`, 'user_deleter'),
      400,
      'validation_failed',
    );
    expect(problem.errors).toEqual([expect.objectContaining({ path: 'confirm' })]);
    expect(await snapshotWorkshop(app.database.sql, created.id)).toEqual(before);
  });

  it('with ?confirm=true deletes it and every child row, leaving other workshops untouched', async () => {
    const doomed = await populated('user_deleter');
    const share = await json<{ shareToken: string }>(
      await call('PUT', `/api/workshops/${doomed.id}/share`, 'user_deleter'),
      200,
    );
    const survivor = await populated('user_deleter');
    const survivorBefore = await snapshotWorkshop(app.database.sql, survivor.id);

    const response = await call('DELETE', `/api/workshops/${doomed.id}?confirm=true`, 'user_deleter');
    expect(response.status, await response.clone().text()).toBe(204);
    expect(await response.text()).toBe('');

    expect(await workshopRow(doomed.id)).toBeUndefined();
    expect(await countsFor(doomed.id)).toEqual({
      workshop_members: 0,
      workshop_steps: 0,
      sessions: 0,
      build_packs: 0,
    });
    expect(await snapshotWorkshop(app.database.sql, survivor.id)).toEqual(survivorBefore);
    await expectProblem(await call('GET', `/api/workshops/${doomed.id}`, 'user_deleter'), 404, 'not_found');
    await expectProblem(await call('GET', `/api/shared/${share.shareToken}`, undefined), 404, 'not_found');
  });
});

describe('sharing', () => {
  it('PUT issues a new 43-character token each time: the old link 404s at once, the new one works', async () => {
    const created = await createWorkshop('user_sharer');
    const first = await json<{ shareToken: string; url: string }>(
      await call('PUT', `/api/workshops/${created.id}/share`, 'user_sharer'),
      200,
    );
    expect(first.shareToken).toMatch(SHARE_TOKEN);
    expect(new URL(first.url).pathname).toBe(`/api/shared/${first.shareToken}`);
    expect(await workshopRow(created.id)).toMatchObject({
      visibility: 'shared',
      share_token: first.shareToken,
    });
    expect((await call('GET', `/api/shared/${first.shareToken}`, undefined)).status).toBe(200);

    const second = await json<{ shareToken: string; url: string }>(
      await call('PUT', `/api/workshops/${created.id}/share`, 'user_sharer'),
      200,
    );
    expect(second.shareToken).toMatch(SHARE_TOKEN);
    expect(second.shareToken).not.toBe(first.shareToken);
    expect(await workshopRow(created.id)).toMatchObject({
      visibility: 'shared',
      share_token: second.shareToken,
    });

    await expectProblem(await call('GET', `/api/shared/${first.shareToken}`, undefined), 404, 'not_found');
    const view = await call('GET', `/api/shared/${second.shareToken}`, undefined);
    expect((await json<{ title: string }>(view, 200)).title).toBe(created.title);
    expect(view.headers.get('cache-control')).toMatch(/no-store/);
  });

  it('DELETE revokes: the link 404s at once and the workshop is private again', async () => {
    const created = await createWorkshop('user_sharer');
    const share = await json<{ shareToken: string }>(
      await call('PUT', `/api/workshops/${created.id}/share`, 'user_sharer'),
      200,
    );
    const response = await call('DELETE', `/api/workshops/${created.id}/share`, 'user_sharer');
    expect(response.status).toBe(204);
    await expectProblem(await call('GET', `/api/shared/${share.shareToken}`, undefined), 404, 'not_found');
    expect(await workshopRow(created.id)).toMatchObject({ visibility: 'private', share_token: null });
  });

  it('the shared view shows title, idea, status and steps, and no member id anywhere', async () => {
    const ownerId = 'user_2SharedOwnerXq9';
    const created = await createWorkshop(ownerId, { title: 'Shared title', originalIdea: 'Shared idea' });
    await addMember(created.id, ownerId, 'user_2SharedEditorZk4', 'editor');
    await addMember(created.id, ownerId, 'user_2SharedViewerTb7', 'viewer');
    await query(
      `update workshop_steps set status = 'in_progress', started_at = now(), output = $2
        where workshop_id = $1 and step_id = 'challenge'`,
      [created.id, JSON.stringify({ statement: 'How might we…' })],
    );
    const share = await json<{ shareToken: string }>(
      await call('PUT', `/api/workshops/${created.id}/share`, ownerId),
      200,
    );

    const response = await call('GET', `/api/shared/${share.shareToken}`, undefined);
    const text = await response.clone().text();
    const view = await json<{
      title: string;
      originalIdea: string;
      status: string;
      steps: { id: string; status: string; output: unknown }[];
    }>(response, 200);
    expect(view).toMatchObject({ title: 'Shared title', originalIdea: 'Shared idea', status: 'draft' });
    expect(view.steps.map((step) => step.id)).toEqual(STEP_DEFINITIONS.map((definition) => definition.id));
    expect(view.steps[0]).toMatchObject({ status: 'in_progress', output: { statement: 'How might we…' } });
    for (const userId of [ownerId, 'user_2SharedEditorZk4', 'user_2SharedViewerTb7']) {
      expect(text).not.toContain(userId);
    }
    expect(text).not.toMatch(/user_/);
    expect(text).not.toContain(created.id);
    expect(text).not.toMatch(/clerk/i);
  });
});

describe('members', () => {
  const membersPath = (workshopId: string, userId?: string) =>
    `/api/workshops/${workshopId}/members${userId ? `/${userId}` : ''}`;

  it('lists members and their roles, to any member', async () => {
    const created = await createWorkshop('user_m_owner');
    await addMember(created.id, 'user_m_owner', 'user_m_editor', 'editor');
    await addMember(created.id, 'user_m_owner', 'user_m_viewer', 'viewer');
    for (const reader of ['user_m_owner', 'user_m_viewer']) {
      const list = await json<{ items: Member[] }>(await call('GET', membersPath(created.id), reader), 200);
      expect(list.items.map(({ clerkUserId, role }) => ({ clerkUserId, role }))).toEqual([
        { clerkUserId: 'user_m_owner', role: 'owner' },
        { clerkUserId: 'user_m_editor', role: 'editor' },
        { clerkUserId: 'user_m_viewer', role: 'viewer' },
      ]);
      expect(list.items.every((member) => !Number.isNaN(Date.parse(member.createdAt)))).toBe(true);
    }
  });

  it('adds an editor (201), then changes their role (200)', async () => {
    const created = await createWorkshop('user_m_owner');
    const added = await call('PUT', membersPath(created.id, 'user_m_new'), 'user_m_owner', {
      role: 'editor',
    });
    expect(await json<Member>(added, 201)).toMatchObject({ clerkUserId: 'user_m_new', role: 'editor' });
    expect(await roleOf(created.id, 'user_m_new')).toBe('editor');

    const changed = await call('PUT', membersPath(created.id, 'user_m_new'), 'user_m_owner', {
      role: 'viewer',
    });
    expect(await json<Member>(changed, 200)).toMatchObject({ clerkUserId: 'user_m_new', role: 'viewer' });
    expect(await roleOf(created.id, 'user_m_new')).toBe('viewer');
    const [row] = await query<{ count: number }>(
      'select count(*)::int as count from workshop_members where workshop_id = $1 and clerk_user_id = $2',
      [created.id, 'user_m_new'],
    );
    expect(row?.count).toBe(1);
  });

  it('never lets the last owner be demoted or leave (409 last_owner)', async () => {
    const created = await createWorkshop('user_m_last');
    await addMember(created.id, 'user_m_last', 'user_m_last_editor', 'editor');
    await expectProblem(
      await call('PUT', membersPath(created.id, 'user_m_last'), 'user_m_last', { role: 'editor' }),
      409,
      'last_owner',
    );
    await expectProblem(
      await call('DELETE', membersPath(created.id, 'user_m_last'), 'user_m_last'),
      409,
      'last_owner',
    );
    expect(await roleOf(created.id, 'user_m_last')).toBe('owner');
    expect(await ownerCount(created.id)).toBe(1);

    // With a second owner, the first may step down.
    await addMember(created.id, 'user_m_last', 'user_m_last_editor', 'owner');
    const demoted = await call('PUT', membersPath(created.id, 'user_m_last'), 'user_m_last', {
      role: 'editor',
    });
    expect(await json<Member>(demoted, 200)).toMatchObject({ role: 'editor' });
    expect(await ownerCount(created.id)).toBe(1);
  });

  it('lets a member leave themself (204), after which the workshop is gone for them', async () => {
    const created = await createWorkshop('user_m_owner');
    await addMember(created.id, 'user_m_owner', 'user_m_leaver', 'viewer');
    const response = await call('DELETE', membersPath(created.id, 'user_m_leaver'), 'user_m_leaver');
    expect(response.status).toBe(204);
    expect(await roleOf(created.id, 'user_m_leaver')).toBeUndefined();
    await expectProblem(await call('GET', `/api/workshops/${created.id}`, 'user_m_leaver'), 404, 'not_found');
  });

  it('refuses an editor who tries to add or remove members (403), writing nothing', async () => {
    const created = await createWorkshop('user_m_owner');
    await addMember(created.id, 'user_m_owner', 'user_m_pushy', 'editor');
    await addMember(created.id, 'user_m_owner', 'user_m_quiet', 'viewer');
    const before = await snapshotWorkshop(app.database.sql, created.id);
    await expectProblem(
      await call('PUT', membersPath(created.id, 'user_m_friend'), 'user_m_pushy', { role: 'editor' }),
      403,
      'forbidden',
    );
    await expectProblem(
      await call('PUT', membersPath(created.id, 'user_m_pushy'), 'user_m_pushy', { role: 'owner' }),
      403,
      'forbidden',
    );
    await expectProblem(
      await call('DELETE', membersPath(created.id, 'user_m_quiet'), 'user_m_pushy'),
      403,
      'forbidden',
    );
    expect(await snapshotWorkshop(app.database.sql, created.id)).toEqual(before);
  });

  it('answers 404 to an owner removing someone who is not a member', async () => {
    const created = await createWorkshop('user_m_owner');
    const before = await snapshotWorkshop(app.database.sql, created.id);
    await expectProblem(
      await call('DELETE', membersPath(created.id, 'user_m_nobody'), 'user_m_owner'),
      404,
      'not_found',
    );
    expect(await snapshotWorkshop(app.database.sql, created.id)).toEqual(before);
  });

  it('never leaves a workshop without an owner when two owners demote each other at once (20 rounds)', async () => {
    const outcomes: number[][] = [];
    for (let round = 0; round < 20; round++) {
      const created = await createWorkshop('user_duel_a');
      await addMember(created.id, 'user_duel_a', 'user_duel_b', 'owner');
      const responses = await Promise.all([
        call('PUT', membersPath(created.id, 'user_duel_b'), 'user_duel_a', { role: 'editor' }),
        call('PUT', membersPath(created.id, 'user_duel_a'), 'user_duel_b', { role: 'editor' }),
      ]);
      const statuses = responses.map((response) => response.status).sort();
      outcomes.push(statuses);
      expect(await ownerCount(created.id), `round ${round}: ${statuses.join(', ')}`).toBe(1);
      // One of them won; the other was no longer an owner (403) or was the last one (409).
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.every((status) => [200, 403, 409].includes(status))).toBe(true);
    }
    expect(outcomes).toHaveLength(20);
  });
});
