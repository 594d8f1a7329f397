/** Sharing a workshop by link, and managing its members: what each call answers, and what it leaves in the database. */
import { describe, expect, it } from 'vitest';
import { STEP_DEFINITIONS } from '../../src/domain/step-catalogue';
import { snapshotWorkshop } from '../support/authz-matrix';
import { expectProblem } from '../support/problem';
import { type Member, SHARE_TOKEN, useWorkshopsApp } from './support';

const { call, json, createWorkshop, addMember, query, workshopRow, roleOf, ownerCount, testApp } =
  useWorkshopsApp();

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
    const before = await snapshotWorkshop(testApp().database.sql, created.id);
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
    expect(await snapshotWorkshop(testApp().database.sql, created.id)).toEqual(before);
  });

  it('answers 404 to an owner removing someone who is not a member', async () => {
    const created = await createWorkshop('user_m_owner');
    const before = await snapshotWorkshop(testApp().database.sql, created.id);
    await expectProblem(
      await call('DELETE', membersPath(created.id, 'user_m_nobody'), 'user_m_owner'),
      404,
      'not_found',
    );
    expect(await snapshotWorkshop(testApp().database.sql, created.id)).toEqual(before);
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
