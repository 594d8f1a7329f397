/**
 * An erasure racing a membership change must not leave a workshop without an owner: the erasure takes the
 * same per-workshop lock as membership changes, so one of the two sees the other's result.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signClerkDelivery, userDeletedEvent } from '../../scripts/local-auth/clerk-webhook';
import { createTestApp, jsonBody, type TestApp } from '../support/test-app';

const REPETITIONS = 20;
let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ WORKSHOP_CAPS: 'free:1000', DB_TIMEOUT_MS: '30000' });
});

afterAll(async () => {
  await app?.close();
});

it(`two co-owners, one deleted in Clerk while the other leaves: every workshop left has an owner (${REPETITIONS} races)`, async () => {
  const secret = app.env.CLERK_WEBHOOK_SIGNING_SECRET ?? '';
  for (let round = 0; round < REPETITIONS; round++) {
    const leaving = `user_race_deleted_${round}`;
    const staying = `user_race_leaver_${round}`;
    const leavingHeaders = await app.as(leaving);
    const stayingHeaders = await app.as(staying);
    const created = await app.request('/api/workshops', {
      method: 'POST',
      ...jsonBody({ originalIdea: `Race ${round}` }, leavingHeaders),
    });
    const { id } = (await created.json()) as { id: string };
    const added = await app.request(`/api/workshops/${id}/members/${staying}`, {
      method: 'PUT',
      ...jsonBody({ role: 'owner' }, leavingHeaders),
    });
    expect(added.status).toBe(201);

    const delivery = signClerkDelivery(secret, userDeletedEvent(leaving));
    const [erased, left] = await Promise.all([
      app.request('/api/webhooks/clerk', { method: 'POST', body: delivery.body, headers: delivery.headers }),
      app.request(`/api/workshops/${id}/members/${staying}`, { method: 'DELETE', headers: stayingHeaders }),
    ]);
    expect(erased.status).toBe(200);
    // Either the erasure came first (the other is now the last owner: 409) or the leave did (204, then the
    // workshop was the deleted user's alone and went with them).
    expect([204, 409]).toContain(left.status);
  }
  const ownerless = await app.database.sql.query(`select w.id from workshops w
    where not exists (select 1 from workshop_members m where m.workshop_id = w.id and m.role = 'owner')`);
  expect(ownerless.rows).toEqual([]);
});
