/** Reading, editing and deleting one workshop: what each call answers, and what it leaves in the database. */
import { describe, expect, it } from 'vitest';
import { CHILD_TABLES, snapshotWorkshop } from '../support/authz-matrix';
import { expectProblem } from '../support/problem';
import { useWorkshopsApp, WORKSHOP_ETAG, type WorkshopDetail } from './support';

const { call, json, createWorkshop, addMember, query, workshopRow, setStatus, testApp } = useWorkshopsApp();

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
    const before = await snapshotWorkshop(testApp().database.sql, created.id);
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
    expect(await snapshotWorkshop(testApp().database.sql, created.id)).toEqual(before);

    await expectProblem(
      await call('DELETE', `/api/workshops/${created.id}?confirm=false`, 'user_deleter'),
      428,
      'confirmation_required',
    );
    expect(await snapshotWorkshop(testApp().database.sql, created.id)).toEqual(before);
  });

  it('answers 400 to a confirm that is neither true nor false (a documented answer), and deletes nothing', async () => {
    const created = await populated('user_deleter');
    const before = await snapshotWorkshop(testApp().database.sql, created.id);
    const problem = await expectProblem(
      await call('DELETE', `/api/workshops/${created.id}?confirm=AAA`, 'user_deleter'),
      400,
      'validation_failed',
    );
    expect(problem.errors).toEqual([expect.objectContaining({ path: 'confirm' })]);
    expect(await snapshotWorkshop(testApp().database.sql, created.id)).toEqual(before);
  });

  it('with ?confirm=true deletes it and every child row, leaving other workshops untouched', async () => {
    const doomed = await populated('user_deleter');
    const share = await json<{ shareToken: string }>(
      await call('PUT', `/api/workshops/${doomed.id}/share`, 'user_deleter'),
      200,
    );
    const survivor = await populated('user_deleter');
    const survivorBefore = await snapshotWorkshop(testApp().database.sql, survivor.id);

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
    expect(await snapshotWorkshop(testApp().database.sql, survivor.id)).toEqual(survivorBefore);
    await expectProblem(await call('GET', `/api/workshops/${doomed.id}`, 'user_deleter'), 404, 'not_found');
    await expectProblem(await call('GET', `/api/shared/${share.shareToken}`, undefined), 404, 'not_found');
  });
});
