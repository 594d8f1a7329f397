/**
 * The plan cap counts the workshops a user owns now (the owner role), not the ones they created: ownership
 * moves with members, and so does the count. Ownership given by someone else is accepted up to the largest
 * cap of any plan, atomically with the recipient's own creates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, tokenCache } from '../reliability/support';
import { newUser, readJson } from '../steps/support';
import { expectProblem } from '../support/problem';
import { createTestApp, jsonBody, type TestApp } from '../support/test-app';

// The largest cap is 4: nobody can be handed more than four workshops.
const CAPS = 'free:2,pro:4,team:4';
const HANDOVER_LIMIT = 4;

let t: TestApp;
const as = tokenCache(() => t);

beforeAll(async () => {
  // A long database timeout: concurrent handovers queue on one lock on a busy 2-core machine.
  t = await createTestApp({ WORKSHOP_CAPS: CAPS, DB_TIMEOUT_MS: '30000' });
});

afterAll(async () => {
  await t?.close();
});

type Me = { workshopCount: number; workshopCap: number };

async function create(userId: string, plan = 'free'): Promise<Response> {
  return t.request('/api/workshops', {
    method: 'POST',
    ...jsonBody({ originalIdea: 'A workshop that changes hands' }, await as(userId, { plan })),
  });
}

async function createdId(userId: string, plan = 'free'): Promise<string> {
  return (await readJson<{ id: string }>(await create(userId, plan), 201)).id;
}

async function putMember(caller: string, workshopId: string, userId: string, role: string) {
  return t.request(`/api/workshops/${workshopId}/members/${userId}`, {
    method: 'PUT',
    ...jsonBody({ role }, await as(caller)),
  });
}

async function removeMember(caller: string, workshopId: string, userId: string) {
  return t.request(`/api/workshops/${workshopId}/members/${userId}`, {
    method: 'DELETE',
    headers: await as(caller),
  });
}

async function me(userId: string, plan = 'free'): Promise<Me> {
  return readJson<Me>(await t.request('/api/me', { headers: await as(userId, { plan }) }), 200);
}

const ownedInDatabase = (userId: string) =>
  count(t, `select count(*) from workshop_members where clerk_user_id = $1 and role = 'owner'`, [userId]);

describe('the plan cap counts what a user owns now', () => {
  it('a creator who handed a workshop over and was removed from it no longer counts it, and may create again', async () => {
    const creator = newUser('creator');
    const heir = newUser('heir');
    const [first] = [await createdId(creator), await createdId(creator)];
    await expectProblem(await create(creator), 403, 'workshop_cap_reached');

    expect((await putMember(creator, first ?? '', heir, 'owner')).status).toBe(201);
    expect((await removeMember(heir, first ?? '', creator)).status).toBe(204);

    expect((await me(creator)).workshopCount).toBe(1);
    expect((await me(heir)).workshopCount).toBe(1);
    expect((await create(creator)).status).toBe(201);
    expect(await ownedInDatabase(creator)).toBe(2);
  });

  it('a workshop someone gave you counts against your own cap', async () => {
    const giver = newUser('giver');
    const receiver = newUser('receiver');
    await createdId(receiver);
    const gift = await createdId(giver);
    expect((await putMember(giver, gift, receiver, 'owner')).status).toBe(201);

    expect((await me(receiver)).workshopCount).toBe(2);
    const problem = await expectProblem(await create(receiver), 403, 'workshop_cap_reached');
    expect(problem).toMatchObject({ cap: 2, count: 2, plan: 'free' });
    expect(await ownedInDatabase(receiver)).toBe(2);
  });

  it('demoting an owner to editor frees their place under the cap', async () => {
    const first = newUser('first');
    const second = newUser('second');
    const shared = await createdId(first);
    await createdId(second);
    expect((await putMember(first, shared, second, 'owner')).status).toBe(201);
    await expectProblem(await create(second), 403, 'workshop_cap_reached');

    expect((await putMember(first, shared, second, 'editor')).status).toBe(200);
    expect((await me(second)).workshopCount).toBe(1);
    expect((await create(second)).status).toBe(201);
  });
});

describe('ownership handed over by someone else', () => {
  it('is refused once the recipient owns as many workshops as the largest plan allows (409 owner_limit_reached), writing nothing', async () => {
    const recipient = newUser('recipient');
    for (let index = 0; index < HANDOVER_LIMIT; index++) await createdId(recipient, 'pro');
    const giver = newUser('giver');
    const gift = await createdId(giver);

    const problem = await expectProblem(
      await putMember(giver, gift, recipient, 'owner'),
      409,
      'owner_limit_reached',
    );
    expect(problem).toMatchObject({ limit: HANDOVER_LIMIT, count: HANDOVER_LIMIT });
    expect(await count(t, 'select count(*) from workshop_members where workshop_id = $1', [gift])).toBe(1);

    // Any other role is still fine, and so is promoting them later once they own fewer.
    expect((await putMember(giver, gift, recipient, 'editor')).status).toBe(201);
    await expectProblem(await putMember(giver, gift, recipient, 'owner'), 409, 'owner_limit_reached');
    expect(await ownedInDatabase(recipient)).toBe(HANDOVER_LIMIT);
  });

  it('may take the recipient over their own plan cap; they then cannot create until they own fewer', async () => {
    const recipient = newUser('recipient');
    await createdId(recipient);
    await createdId(recipient);
    const giver = newUser('giver');
    const gift = await createdId(giver);
    expect((await putMember(giver, gift, recipient, 'owner')).status).toBe(201);

    expect(await me(recipient)).toMatchObject({ workshopCount: 3, workshopCap: 2 });
    await expectProblem(await create(recipient), 403, 'workshop_cap_reached');
  });

  it('racing handovers and creates never leave anyone owning more than the limit (10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      const recipient = newUser('contested');
      const givers = Array.from({ length: 6 }, () => newUser('giver'));
      const gifts = await Promise.all(givers.map((giver) => createdId(giver)));
      await me(recipient, 'pro');
      const answers = await Promise.all([
        ...gifts.map((gift, index) => putMember(givers[index] ?? '', gift, recipient, 'owner')),
        ...Array.from({ length: 3 }, () => create(recipient, 'pro')),
      ]);
      const statuses = answers.map((answer) => answer.status);
      expect(
        statuses.every((status) => [200, 201, 403, 409].includes(status)),
        `${statuses}`,
      ).toBe(true);
      expect(await ownedInDatabase(recipient)).toBe(HANDOVER_LIMIT);
    }
  });
});
