/**
 * What one caller can make the database hold is bounded on every path a request can grow: build packs and
 * members per workshop (refused with 409), unexpired Idempotency-Keys per user (429), sessions per workshop
 * (the oldest make room, so no member, a viewer included, can grow them or lock anyone out).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_BUILD_PACKS_PER_WORKSHOP,
  MAX_IDEMPOTENCY_KEYS_PER_USER,
  MAX_MEMBERS_PER_WORKSHOP,
  MAX_SESSIONS_PER_WORKSHOP,
} from '../../src/domain/storage-limits';
import { postPack } from '../build-packs/support';
import {
  addMember,
  createWorkshop,
  freshSessionId,
  getContext,
  getStep,
  newUser,
  type Workshop,
} from '../steps/support';
import { expectProblem } from '../support/problem';
import { createTestApp, jsonBody, type TestApp } from '../support/test-app';
import { count, fingerprint } from './support';

let t: TestApp;

beforeAll(async () => {
  // A long database timeout: concurrent creates queue on one lock on a busy 2-core machine.
  t = await createTestApp({ WORKSHOP_CAPS: 'free:1,team:500', DB_TIMEOUT_MS: '30000' });
});

afterAll(async () => {
  await t?.close();
});

const packCount = (workshopId: string) =>
  count(t, 'select count(*) from build_packs where workshop_id = $1', [workshopId]);

/** Fills a workshop with packs straight in the database, up to `total`. */
async function seedPacks(workshopId: string, total: number): Promise<void> {
  await t.database.sql.query(
    `insert into build_packs (id, workshop_id, title, format_type)
     select 'bp_seed' || substr(md5($1 || n::text), 1, 20), $1, 'Seeded pack', 'markdown'
     from generate_series(1, $2) as n`,
    [workshopId, total],
  );
}

describe('build packs per workshop', () => {
  it(`one over ${MAX_BUILD_PACKS_PER_WORKSHOP} is refused with 409 build_pack_limit_reached and nothing written; deleting one makes room`, async () => {
    const workshop = await createWorkshop(t);
    await seedPacks(workshop.id, MAX_BUILD_PACKS_PER_WORKSHOP - 1);
    expect((await postPack(t, workshop, { format: 'markdown' })).status).toBe(201);

    const before = await fingerprint(t);
    const problem = await expectProblem(
      await postPack(t, workshop, { format: 'pdf' }),
      409,
      'build_pack_limit_reached',
    );
    expect(problem).toMatchObject({
      limit: MAX_BUILD_PACKS_PER_WORKSHOP,
      count: MAX_BUILD_PACKS_PER_WORKSHOP,
    });
    expect(await fingerprint(t)).toEqual(before);

    const { rows } = await t.database.sql.query<{ id: string }>(
      'select id from build_packs where workshop_id = $1 limit 1',
      [workshop.id],
    );
    const packId = rows[0]?.id ?? '';
    const removed = await t.request(`/api/workshops/${workshop.id}/build-packs/${packId}`, {
      method: 'DELETE',
      headers: workshop.headers,
    });
    expect(removed.status).toBe(204);
    expect((await postPack(t, workshop, { format: 'json' })).status).toBe(201);
    expect(await packCount(workshop.id)).toBe(MAX_BUILD_PACKS_PER_WORKSHOP);
  });

  it('30 concurrent creates on an empty workshop → exactly the limit created, the rest 409 (5 rounds)', async () => {
    for (let round = 0; round < 5; round++) {
      const workshop = await createWorkshop(t);
      const answers = await Promise.all(
        Array.from({ length: 30 }, () => postPack(t, workshop, { format: 'markdown' })),
      );
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 201)).toHaveLength(MAX_BUILD_PACKS_PER_WORKSHOP);
      expect(statuses.filter((status) => status === 409)).toHaveLength(30 - MAX_BUILD_PACKS_PER_WORKSHOP);
      expect(await packCount(workshop.id)).toBe(MAX_BUILD_PACKS_PER_WORKSHOP);
    }
  });
});

describe('members per workshop', () => {
  async function seedMembers(workshopId: string, total: number): Promise<void> {
    await t.database.sql.query(
      `insert into workshop_members (id, workshop_id, clerk_user_id, role)
       select 'mem_seed' || substr(md5($1 || n::text), 1, 20), $1, 'user_seed_' || n, 'viewer'
       from generate_series(1, $2) as n`,
      [workshopId, total],
    );
  }

  const putMember = (workshop: Workshop, userId: string, role: string) =>
    t.request(`/api/workshops/${workshop.id}/members/${userId}`, {
      method: 'PUT',
      ...jsonBody({ role }, workshop.headers),
    });

  it(`a member beyond ${MAX_MEMBERS_PER_WORKSHOP} is refused with 409 member_limit_reached; roles of members still change`, async () => {
    const workshop = await createWorkshop(t);
    await seedMembers(workshop.id, MAX_MEMBERS_PER_WORKSHOP - 1);

    const before = await fingerprint(t);
    const problem = await expectProblem(
      await putMember(workshop, newUser('one_too_many'), 'viewer'),
      409,
      'member_limit_reached',
    );
    expect(problem).toMatchObject({ limit: MAX_MEMBERS_PER_WORKSHOP, count: MAX_MEMBERS_PER_WORKSHOP });
    expect(await fingerprint(t)).toEqual(before);

    expect((await putMember(workshop, 'user_seed_1', 'editor')).status).toBe(200);
  });
});

describe('Idempotency-Keys per user', () => {
  const keyCount = (userId: string) =>
    count(t, 'select count(*) from idempotency_keys where clerk_user_id = $1', [userId]);

  async function seedKeys(userId: string, total: number): Promise<void> {
    await t.database.sql.query(
      `insert into idempotency_keys (clerk_user_id, key, request_hash, response_status, expires_at)
       select $1, 'create-workshop:seed-' || n, 'seed', 403, now() + interval '1 hour' + n * interval '1 second'
       from generate_series(1, $2) as n`,
      [userId, total],
    );
  }

  const createWithKey = async (userId: string, key: string, plan = 'team') =>
    t.request('/api/workshops', {
      method: 'POST',
      ...jsonBody({ originalIdea: 'Keyed' }, { ...(await t.as(userId, { plan })), 'Idempotency-Key': key }),
    });

  it(`a new key beyond ${MAX_IDEMPOTENCY_KEYS_PER_USER} unexpired ones → 429 with Retry-After, nothing written; known keys still replay`, async () => {
    const userId = newUser('keyed');
    await seedKeys(userId, MAX_IDEMPOTENCY_KEYS_PER_USER - 1);
    const last = await createWithKey(userId, 'the-last-one');
    expect(last.status).toBe(201);

    const before = await fingerprint(t);
    const refused = await createWithKey(userId, 'one-too-many');
    const problem = await expectProblem(refused, 429, 'idempotency_key_limit_reached');
    expect(problem).toMatchObject({ limit: MAX_IDEMPOTENCY_KEYS_PER_USER });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600 + 5);
    expect(await fingerprint(t)).toEqual(before);

    const replay = await createWithKey(userId, 'the-last-one');
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await keyCount(userId)).toBe(MAX_IDEMPOTENCY_KEYS_PER_USER);
  });

  it('a user at the workshop cap cannot grow refusals without end: new keys stop at the limit', async () => {
    const userId = newUser('capped');
    expect((await createWithKey(userId, 'first', 'free')).status).toBe(201);
    await seedKeys(userId, MAX_IDEMPOTENCY_KEYS_PER_USER - 2);
    await expectProblem(
      await createWithKey(userId, 'refused-and-remembered', 'free'),
      403,
      'workshop_cap_reached',
    );
    await expectProblem(
      await createWithKey(userId, 'one-too-many', 'free'),
      429,
      'idempotency_key_limit_reached',
    );
    expect(await keyCount(userId)).toBe(MAX_IDEMPOTENCY_KEYS_PER_USER);
  });

  it('the limit holds for build packs too', async () => {
    const workshop = await createWorkshop(t);
    await seedKeys(workshop.owner, MAX_IDEMPOTENCY_KEYS_PER_USER);
    const refused = await postPack(
      t,
      workshop,
      { format: 'markdown' },
      { extra: { 'Idempotency-Key': 'pack-key' } },
    );
    await expectProblem(refused, 429, 'idempotency_key_limit_reached');
    expect(await packCount(workshop.id)).toBe(0);
    expect(await keyCount(workshop.owner)).toBe(MAX_IDEMPOTENCY_KEYS_PER_USER);
  });
});

describe('sessions per workshop', () => {
  const sessionCount = (workshopId: string) =>
    count(t, 'select count(*) from sessions where workshop_id = $1', [workshopId]);

  /** Sessions started one minute apart, the newest an hour ago. */
  async function seedSessions(workshopId: string, total: number): Promise<void> {
    await t.database.sql.query(
      `insert into sessions (id, workshop_id, started_at)
       select 'ses_s' || substr(md5($1 || n::text), 1, 23), $1, now() - interval '1 hour' - n * interval '1 minute'
       from generate_series(1, $2) as n`,
      [workshopId, total],
    );
  }

  it(`a viewer's visits without X-Session-Id never grow a workshop beyond ${MAX_SESSIONS_PER_WORKSHOP} sessions; the oldest make room`, async () => {
    const workshop = await createWorkshop(t);
    const viewer = await addMember(t, workshop, 'viewer');
    await seedSessions(workshop.id, MAX_SESSIONS_PER_WORKSHOP - 1);
    const { rows: oldest } = await t.database.sql.query<{ id: string }>(
      'select id from sessions where workshop_id = $1 order by started_at limit 2',
      [workshop.id],
    );

    const visits = [
      await getStep(t, workshop, 'challenge', { headers: viewer }),
      await getContext(t, workshop, 'challenge', { headers: viewer }),
      await getStep(t, workshop, 'challenge', {
        headers: viewer,
        extra: { 'X-Session-Id': freshSessionId() },
      }),
    ];
    expect(visits.map((visit) => visit.status)).toEqual([200, 200, 200]);
    expect(await sessionCount(workshop.id)).toBe(MAX_SESSIONS_PER_WORKSHOP);

    const announced = visits.map((visit) => visit.headers.get('x-session-id') ?? '');
    const kept = await count(t, 'select count(*) from sessions where id = any($1)', [announced]);
    expect(kept).toBe(3);
    const gone = await count(t, 'select count(*) from sessions where id = any($1)', [
      oldest.map((row) => row.id),
    ]);
    expect(gone).toBe(0);
  });
});
