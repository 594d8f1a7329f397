/**
 * POST /api/webhooks/clerk: a user deleted in Clerk takes their data with them, and nothing but a delivery
 * signed with the endpoint's secret can make that happen.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  generateWebhookSigningSecret,
  type SignOptions,
  signClerkDelivery,
  userDeletedEvent,
} from '../../scripts/local-auth/clerk-webhook';
import { loadConfig } from '../../src/env';
import { expectProblem } from '../support/problem';
import { createTestApp, jsonBody, type TestApp } from '../support/test-app';

const ALICE = 'user_alice_leaving';
const BOB = 'user_bob_staying';
const CAROL = 'user_carol_staying';
const DAVE = 'user_dave_bystander';

const TABLES = [
  'workshops',
  'workshop_members',
  'workshop_steps',
  'sessions',
  'build_packs',
  'idempotency_keys',
  'step_definitions',
] as const;
type Table = (typeof TABLES)[number];
type Row = Record<string, unknown>;
type Snapshot = Record<Table, Row[]>;

let app: TestApp;
let secret: string;
const headers: Record<string, Record<string, string>> = {};

/** The world before Alice leaves; filled in by `beforeAll`. */
const fixture = {
  /** Alice alone owns it; Bob edits it. It has a share link, an output, a build pack and a session. */
  aliceSole: '',
  /** Alice alone, nobody else. */
  aliceAlone: '',
  /** Alice created it and made Bob an owner too. */
  aliceCreatedBobOwns: '',
  /** Bob's; Alice edits it. */
  bobsAliceEdits: '',
  /** Carol's; she made Alice a co-owner. */
  carolsAliceOwns: '',
  /** Dave's; Alice has nothing to do with it. */
  davesOwn: '',
  shareToken: '',
};

async function call(path: string, init: RequestInit, status: number): Promise<Row> {
  const response = await app.request(path, init);
  const text = await response.text();
  expect(response.status, `${init.method ?? 'GET'} ${path}: ${text}`).toBe(status);
  return text ? (JSON.parse(text) as Row) : {};
}

async function createWorkshop(owner: string, idea: string, idempotencyKey?: string): Promise<string> {
  const extra: Record<string, string> = idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {};
  const created = await call(
    '/api/workshops',
    { method: 'POST', ...jsonBody({ originalIdea: idea }, { ...headers[owner], ...extra }) },
    201,
  );
  return String(created.id);
}

async function addMember(owner: string, workshopId: string, member: string, role: string): Promise<void> {
  await call(
    `/api/workshops/${workshopId}/members/${member}`,
    { method: 'PUT', ...jsonBody({ role }, headers[owner]) },
    201,
  );
}

async function snapshot(): Promise<Snapshot> {
  const result = {} as Snapshot;
  for (const table of TABLES) {
    const order = table === 'idempotency_keys' ? 'clerk_user_id, key' : 'id';
    result[table] = (await app.database.sql.query(`select * from ${table} order by ${order}`)).rows;
  }
  return result;
}

function deliver(delivery: { body: string; headers: Record<string, string> }): Promise<Response> {
  return app.request('/api/webhooks/clerk', {
    method: 'POST',
    body: delivery.body,
    headers: delivery.headers,
  });
}

const signedUserDeleted = (userId: string, options?: SignOptions) =>
  signClerkDelivery(secret, userDeletedEvent(userId), options);

beforeAll(async () => {
  app = await createTestApp({ WORKSHOP_CAPS: 'free:100' });
  secret = app.env.CLERK_WEBHOOK_SIGNING_SECRET ?? '';
  for (const user of [ALICE, BOB, CAROL, DAVE]) headers[user] = await app.as(user);

  fixture.aliceSole = await createWorkshop(ALICE, 'Alice alone owns this one', 'alice-create-1');
  await addMember(ALICE, fixture.aliceSole, BOB, 'editor');
  await call(
    `/api/workshops/${fixture.aliceSole}/steps/challenge/output`,
    { method: 'PUT', ...jsonBody({ output: { statement: 'Alice’s words' } }, headers[ALICE]) },
    200,
  );
  await call(
    `/api/workshops/${fixture.aliceSole}/build-packs`,
    { method: 'POST', ...jsonBody({ format: 'markdown' }, headers[ALICE]) },
    201,
  );
  const share = await call(
    `/api/workshops/${fixture.aliceSole}/share`,
    { method: 'PUT', headers: headers[ALICE] },
    200,
  );
  fixture.shareToken = String(share.shareToken);

  fixture.aliceAlone = await createWorkshop(ALICE, 'Alice and nobody else');
  fixture.aliceCreatedBobOwns = await createWorkshop(ALICE, 'Alice started it, Bob co-owns it');
  await addMember(ALICE, fixture.aliceCreatedBobOwns, BOB, 'owner');
  await addMember(ALICE, fixture.aliceCreatedBobOwns, DAVE, 'viewer');
  await call(
    `/api/workshops/${fixture.aliceCreatedBobOwns}/steps/challenge/output`,
    { method: 'PUT', ...jsonBody({ output: { statement: 'Shared work' } }, headers[BOB]) },
    200,
  );

  fixture.bobsAliceEdits = await createWorkshop(BOB, 'Bob’s, Alice edits', 'bob-create-1');
  await addMember(BOB, fixture.bobsAliceEdits, ALICE, 'editor');
  fixture.carolsAliceOwns = await createWorkshop(CAROL, 'Carol’s, Alice co-owns');
  await addMember(CAROL, fixture.carolsAliceOwns, ALICE, 'owner');
  fixture.davesOwn = await createWorkshop(DAVE, 'Dave’s own');
});

afterAll(async () => {
  await app?.close();
});

/** What a refused delivery must leave: every table exactly as it was. */
async function expectRefusedAndUnchanged(response: Response, status: number, code: string): Promise<void> {
  const before = await snapshot();
  await expectProblem(response, status, code);
  expect(await snapshot()).toEqual(before);
}

describe('a delivery that is not signed by Clerk changes nothing', () => {
  // Each runs before the real deletion below, so there is something it could have deleted.
  it('a forged signature (the body changed after signing) → 400 webhook_signature_invalid', async () => {
    const before = await snapshot();
    const signed = signedUserDeleted('user_nobody');
    const forged = { ...signed, body: JSON.stringify(userDeletedEvent(ALICE)) };
    await expectProblem(await deliver(forged), 400, 'webhook_signature_invalid');
    expect(await snapshot()).toEqual(before);
  });

  it('a signature made with another secret → 400', async () => {
    const before = await snapshot();
    const other = signClerkDelivery(generateWebhookSigningSecret(), userDeletedEvent(ALICE));
    await expectProblem(await deliver(other), 400, 'webhook_signature_invalid');
    expect(await snapshot()).toEqual(before);
  });

  it('a stale timestamp (signed ten minutes ago), or one ten minutes ahead → 400', async () => {
    const before = await snapshot();
    for (const offsetMinutes of [-10, 10]) {
      const timestamp = new Date(Date.now() + offsetMinutes * 60_000);
      const stale = signedUserDeleted(ALICE, { timestamp });
      await expectProblem(await deliver(stale), 400, 'webhook_signature_invalid');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('each of svix-id, svix-timestamp and svix-signature missing → 400', async () => {
    const before = await snapshot();
    for (const header of ['svix-id', 'svix-timestamp', 'svix-signature']) {
      const signed = signedUserDeleted(ALICE);
      const { [header]: _dropped, ...rest } = signed.headers;
      await expectProblem(await deliver({ ...signed, headers: rest }), 400, 'webhook_signature_invalid');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('a session token instead of a signature, even Alice’s own → 400', async () => {
    const before = await snapshot();
    const response = await app.request('/api/webhooks/clerk', {
      method: 'POST',
      ...jsonBody(userDeletedEvent(ALICE), headers[ALICE]),
    });
    await expectProblem(response, 400, 'webhook_signature_invalid');
    expect(await snapshot()).toEqual(before);
  });

  it('a server without CLERK_WEBHOOK_SIGNING_SECRET accepts no webhook at all → 503 webhooks_not_configured', async () => {
    const unconfigured = { ...app.env, CLERK_WEBHOOK_SIGNING_SECRET: '' };
    const signed = signedUserDeleted(ALICE);
    const response = await app.app.request(
      '/api/webhooks/clerk',
      { method: 'POST', body: signed.body, headers: signed.headers },
      unconfigured,
    );
    await expectRefusedAndUnchanged(response, 503, 'webhooks_not_configured');
  });

  it('a body over 64 KiB → 413, signed or not', async () => {
    const event = { ...userDeletedEvent(ALICE), padding: 'x'.repeat(64 * 1024) };
    await expectRefusedAndUnchanged(
      await deliver(signClerkDelivery(secret, event)),
      413,
      'payload_too_large',
    );
  });
});

describe('signed events', () => {
  it('an event type this API does not act on → 200 ignored, nothing changes', async () => {
    const before = await snapshot();
    const event = { type: 'user.updated', object: 'event', data: { id: ALICE, object: 'user' } };
    const response = await deliver(signClerkDelivery(secret, event));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, type: 'user.updated', ignored: true });
    expect(await snapshot()).toEqual(before);
  });

  it('is verified over the exact bytes sent: a body starting with a byte order mark still matches', async () => {
    const event = { type: 'user.updated', object: 'event', data: { id: ALICE } };
    const response = await deliver(signClerkDelivery(secret, `\uFEFF${JSON.stringify(event)}`));
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toMatchObject({ ignored: true });
  });

  it('signed but not JSON → 400 malformed_json, nothing changes', async () => {
    const before = await snapshot();
    await expectProblem(await deliver(signClerkDelivery(secret, '{"type":')), 400, 'malformed_json');
    expect(await snapshot()).toEqual(before);
  });

  it('user.deleted without a usable data.id → 400 validation_failed naming data.id, nothing changes', async () => {
    const before = await snapshot();
    const event = { type: 'user.deleted', object: 'event', data: { id: "'; drop table workshops; --" } };
    const response = await deliver(signClerkDelivery(secret, event));
    const problem = await expectProblem(response, 400, 'validation_failed');
    expect(problem.errors?.map((error) => error.path)).toEqual(['data.id']);
    expect(await snapshot()).toEqual(before);
  });
});

describe('user.deleted, signed by Clerk', () => {
  let before: Snapshot;
  let after: Snapshot;
  let delivery: ReturnType<typeof signedUserDeleted>;

  beforeAll(async () => {
    before = await snapshot();
    delivery = signedUserDeleted(ALICE);
  });

  it('answers 200 with what went, in one database round trip', async () => {
    const { result: response, roundTrips } = await app.countRoundTrips(() => deliver(delivery));
    after = await snapshot();
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toEqual({
      received: true,
      type: 'user.deleted',
      deleted: { workshops: 2, memberships: 3, reassignedWorkshops: 1, idempotencyKeys: 1 },
    });
    expect(roundTrips).toBe(1);
  });

  it('deletes exactly the workshops Alice owned alone, with everything in them', () => {
    const gone = new Set([fixture.aliceSole, fixture.aliceAlone]);
    const stays = (row: Row) => !gone.has(String(row.workshop_id));
    expect(after.workshops.map((row) => row.id).sort()).toEqual(
      before.workshops
        .map((row) => row.id)
        .filter((id) => !gone.has(String(id)))
        .sort(),
    );
    expect(after.workshop_steps).toEqual(before.workshop_steps.filter(stays));
    expect(after.sessions).toEqual(before.sessions.filter(stays));
    expect(after.build_packs).toEqual(before.build_packs.filter(stays));
    // Something really was there to go.
    expect(before.build_packs.filter((row) => !stays(row))).toHaveLength(1);
    expect(before.sessions.filter((row) => !stays(row)).length).toBeGreaterThan(0);
    expect(before.workshop_steps.filter((row) => !stays(row))).toHaveLength(20);
  });

  it('removes every membership of Alice and no one else’s', () => {
    const gone = new Set([fixture.aliceSole, fixture.aliceAlone]);
    // The list's copy of the workshop's activity time follows the workshop, which moved on for those Alice left.
    const withoutSortKey = (rows: Row[]) => rows.map(({ workshop_updated_at: _copy, ...row }) => row);
    expect(withoutSortKey(after.workshop_members)).toEqual(
      withoutSortKey(
        before.workshop_members.filter(
          (row) => row.clerk_user_id !== ALICE && !gone.has(String(row.workshop_id)),
        ),
      ),
    );
    expect(after.workshop_members.some((row) => row.clerk_user_id === ALICE)).toBe(false);
  });

  it('keeps a workshop with another owner for its remaining owners, naming one of them as its creator', () => {
    const byId = (rows: Row[], id: string) => rows.find((row) => row.id === id);
    const kept = byId(after.workshops, fixture.aliceCreatedBobOwns);
    const was = byId(before.workshops, fixture.aliceCreatedBobOwns);
    expect({ ...kept, updated_at: null }).toEqual({ ...was, clerk_user_id: BOB, updated_at: null });
    for (const id of [fixture.bobsAliceEdits, fixture.carolsAliceOwns]) {
      expect({ ...byId(after.workshops, id), updated_at: null }).toEqual({
        ...byId(before.workshops, id),
        updated_at: null,
      });
    }
    // Their membership lists changed, so their version moves on (ETags, "newest activity first").
    for (const id of [fixture.aliceCreatedBobOwns, fixture.bobsAliceEdits, fixture.carolsAliceOwns]) {
      expect(Number(byId(after.workshops, id)?.updated_at)).toBeGreaterThan(
        Number(byId(before.workshops, id)?.updated_at),
      );
    }
    expect(byId(after.workshops, fixture.davesOwn)).toEqual(byId(before.workshops, fixture.davesOwn));
    expect(after.workshops.some((row) => row.clerk_user_id === ALICE)).toBe(false);
  });

  it('forgets Alice’s remembered Idempotency-Key outcomes and keeps Bob’s', () => {
    expect(before.idempotency_keys.map((row) => row.clerk_user_id).sort()).toEqual([ALICE, BOB]);
    expect(after.idempotency_keys).toEqual(
      before.idempotency_keys.filter((row) => row.clerk_user_id !== ALICE),
    );
  });

  it('leaves the step definitions alone', () => {
    expect(after.step_definitions).toEqual(before.step_definitions);
  });

  it('makes nothing of hers reachable: the share link 404s, her workshops 404 for their former members', async () => {
    await expectProblem(await app.request(`/api/shared/${fixture.shareToken}`), 404, 'not_found');
    await expectProblem(
      await app.request(`/api/workshops/${fixture.aliceSole}`, { headers: headers[BOB] }),
      404,
      'not_found',
    );
    const list = await call('/api/workshops', { headers: headers[ALICE] }, 200);
    expect(list.items).toEqual([]);
  });

  it('the remaining owners keep working: Bob owns and counts the workshop Alice started', async () => {
    const workshop = await call(
      `/api/workshops/${fixture.aliceCreatedBobOwns}`,
      { headers: headers[BOB] },
      200,
    );
    expect(workshop.role).toBe('owner');
    const members = (await call(
      `/api/workshops/${fixture.aliceCreatedBobOwns}/members`,
      { headers: headers[BOB] },
      200,
    )) as { items: { clerkUserId: string; role: string }[] };
    expect(members.items.map((member) => [member.clerkUserId, member.role]).sort()).toEqual([
      [BOB, 'owner'],
      [DAVE, 'viewer'],
    ]);
    const me = await call('/api/me', { headers: headers[BOB] }, 200);
    expect(me.workshopCount).toBe(2);
  });

  it('the same delivery again (a Svix retry) → 200, zero counts, nothing changes', async () => {
    const response = await deliver(delivery);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      received: true,
      type: 'user.deleted',
      deleted: { workshops: 0, memberships: 0, reassignedWorkshops: 0, idempotencyKeys: 0 },
    });
    expect(await snapshot()).toEqual(after);
  });

  it('a later delivery for the same user, or for one never seen, → 200, nothing changes', async () => {
    for (const user of [ALICE, 'user_never_seen']) {
      const response = await deliver(signedUserDeleted(user));
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ deleted: { workshops: 0, memberships: 0 } });
    }
    expect(await snapshot()).toEqual(after);
  });
});

describe('logs', () => {
  async function logLinesOf(delivery: { body: string; headers: Record<string, string> }): Promise<string[]> {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    try {
      const response = await app.app.request(
        '/api/webhooks/clerk',
        { method: 'POST', body: delivery.body, headers: delivery.headers },
        { ...app.env, LOG_LEVEL: 'debug' },
      );
      expect(response.status).toBe(200);
    } finally {
      spy.mockRestore();
    }
    return lines;
  }

  it('an ignored event type is logged at debug, with its type', async () => {
    const event = { type: 'session.created', object: 'event', data: { id: 'sess_1' } };
    const lines = await logLinesOf(signClerkDelivery(secret, event));
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ level: 'debug', event: 'webhook_ignored', type: 'session.created' }),
    );
  });

  it('an erasure is logged with its counts and never with the erased user id', async () => {
    const erased = 'user_logged_nowhere';
    const lines = await logLinesOf(signedUserDeleted(erased));
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ level: 'info', event: 'account_erased', deleted: expect.any(Object) }),
    );
    expect(lines.join('\n')).not.toContain(erased);
  });
});

describe('CLERK_WEBHOOK_SIGNING_SECRET', () => {
  const configWith = (value: string) => () =>
    loadConfig({
      DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
      CLERK_SECRET_KEY: 'sk_test_x',
      CLERK_PUBLISHABLE_KEY: 'pk_test_x',
      CLERK_JWT_KEY: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----',
      CLERK_AUTHORIZED_PARTIES: 'https://app.example.com',
      CLERK_ISSUER: 'https://clerk.example.com',
      CLERK_WEBHOOK_SIGNING_SECRET: value,
    });

  it('accepts whsec_ and a base64 key, and leaves webhooks off when empty', () => {
    const secretValue = generateWebhookSigningSecret();
    expect(configWith(secretValue)().CLERK_WEBHOOK_SIGNING_SECRET).toBe(secretValue);
    expect(configWith('')().CLERK_WEBHOOK_SIGNING_SECRET).toBeUndefined();
  });

  it('refuses anything else at start-up, naming the variable', () => {
    for (const bad of [
      'whsec_',
      'whsec_not base64!',
      'sk_test_abc',
      'whsec_YWJj',
      'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    ]) {
      expect(configWith(bad), bad).toThrow(/CLERK_WEBHOOK_SIGNING_SECRET: expected whsec_/);
    }
  });
});
