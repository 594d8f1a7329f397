/**
 * Idempotency-Key on the two creates (POST /api/workshops, POST …/build-packs): a retry answers as the
 * first request did and writes nothing; concurrent retries queue on one lock; a reused key with another
 * body is refused; keys are scoped per user (and per workshop for packs) and expire.
 *
 * Each test guards one protection (see the test names): src/http/idempotency.ts (key shape, canonical
 * hash), src/db/queries/idempotency.ts (per-user lock, sweep, remember/recall) and the routes' replay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackBody } from '../build-packs/support';
import type { WorkshopBody } from '../steps/support';
import { expectProblem } from '../support/problem';
import { createTestApp, jsonBody, type TestApp } from '../support/test-app';
import { nodeOnly } from '../support/test-target';
import { count, fingerprint, type Headers, rows, tokenCache } from './support';

let app: TestApp;
const as = tokenCache(() => app);

beforeAll(async () => {
  // A long database timeout: 20 requests queue on one advisory lock on a busy 2-core machine.
  app = await createTestApp({ WORKSHOP_CAPS: 'free:3,pro:1000', DB_TIMEOUT_MS: '30000' });
});

afterAll(async () => {
  await app?.close();
});

const withKey = (headers: Headers, key: string | undefined): Headers =>
  key === undefined ? headers : { ...headers, 'Idempotency-Key': key };

// biome-ignore lint/suspicious/noControlCharactersInRegex: the keys under test are control characters (a tab is sent as it is)
const CONTROL_CHARACTER = /[\x00-\x08\x0a-\x1f\x7f]/;
/** Why keys with control characters are tried on Node only. */
const FETCH_REFUSES_CONTROL_CHARACTERS =
  'fetch will not send a control character in a header value, so over HTTP such a key never reaches the Worker';

async function createWorkshop(userId: string, body: unknown, key?: string, plan = 'pro') {
  return app.request('/api/workshops', {
    method: 'POST',
    ...jsonBody(body, withKey(await as(userId, { plan }), key)),
  });
}

/** The same request as raw text, so field order and whitespace are the client's. */
async function createWorkshopRaw(userId: string, text: string, key: string) {
  return app.request('/api/workshops', {
    method: 'POST',
    body: text,
    headers: { 'Content-Type': 'application/json', ...withKey(await as(userId, { plan: 'pro' }), key) },
  });
}

async function createPack(userId: string, workshopId: string, body: unknown, key?: string) {
  return app.request(`/api/workshops/${workshopId}/build-packs`, {
    method: 'POST',
    ...jsonBody(body, withKey(await as(userId), key)),
  });
}

async function json<T>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

async function newWorkshop(userId: string, idea = 'An idempotent fixture'): Promise<string> {
  return (await json<WorkshopBody>(await createWorkshop(userId, { originalIdea: idea }), 201)).id;
}

/**
 * Opens as many database connections as a storm needs, and caches the caller's verified token: without
 * this the first storm is staggered by connection set-up and token checks, and is no race at all.
 */
async function warmUp(userId: string, plan?: string): Promise<void> {
  const headers = await as(userId, plan ? { plan } : {});
  const answers = await Promise.all(Array.from({ length: 20 }, () => app.request('/api/me', { headers })));
  expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
}

const workshopsOf = (userId: string) =>
  count(app, 'select count(*) from workshops where clerk_user_id = $1', [userId]);

/** Workshops, memberships and steps of a user: the three things a create writes together. */
async function tracesOf(userId: string) {
  return {
    workshops: await workshopsOf(userId),
    members: await count(app, 'select count(*) from workshop_members where clerk_user_id = $1', [userId]),
    steps: await count(
      app,
      `select count(*) from workshop_steps s join workshops w on w.id = s.workshop_id
        where w.clerk_user_id = $1`,
      [userId],
    ),
  };
}

const keysOf = (userId: string) =>
  rows<{ key: string; response_status: number; resource_id: string | null; live: boolean }>(
    app,
    `select key, response_status, resource_id, expires_at > now() as live from idempotency_keys
      where clerk_user_id = $1 order by key`,
    [userId],
  );

const packsIn = (workshopId: string) =>
  count(app, 'select count(*) from build_packs where workshop_id = $1', [workshopId]);

describe('Idempotency-Key on POST /api/workshops', () => {
  it('same key and same body → the original response (same id, 201, Idempotent-Replayed: true), no second row [remember/recall + replay]', async () => {
    const userId = 'user_idem_replay';
    const body = { originalIdea: 'Replay me', title: 'Replayed' };
    const first = await createWorkshop(userId, body, 'replay-1');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const original = await json<WorkshopBody>(first, 201);

    const second = await createWorkshop(userId, body, 'replay-1');
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(await json<WorkshopBody>(second, 201)).toEqual(original);

    expect(await tracesOf(userId)).toEqual({ workshops: 1, members: 1, steps: 10 });
    expect(await keysOf(userId)).toEqual([
      { key: 'create-workshop:replay-1', response_status: 201, resource_id: original.id, live: true },
    ]);
  });

  it('20 concurrent retries with one key → one row, all 201 with the same id [per-user key lock; the per-user cap lock serialises these too]', async () => {
    for (let round = 0; round < 3; round++) {
      const userId = `user_idem_storm_${round}`;
      await warmUp(userId, 'pro');
      const headers = withKey(await as(userId, { plan: 'pro' }), `storm-${round}`);
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          app.request('/api/workshops', { method: 'POST', ...jsonBody({ originalIdea: 'Storm' }, headers) }),
        ),
      );
      const texts = await Promise.all(responses.map((response) => response.text()));
      expect(
        responses.map((response) => response.status),
        texts.find((_, index) => responses[index]?.status !== 201),
      ).toEqual(Array(20).fill(201));
      const ids = new Set(texts.map((text) => (JSON.parse(text) as WorkshopBody).id));
      expect(ids.size).toBe(1);
      const replayed = responses.filter((response) => response.headers.get('idempotent-replayed') === 'true');
      expect(replayed).toHaveLength(19);
      expect(await tracesOf(userId)).toEqual({ workshops: 1, members: 1, steps: 10 });
      expect(await keysOf(userId)).toHaveLength(1);
    }
  });

  it('same key with a different body → 422 idempotency_key_reused, nothing written [request hash check]', async () => {
    const userId = 'user_idem_reused';
    const original = await json<WorkshopBody>(
      await createWorkshop(userId, { originalIdea: 'The first body' }, 'reused-1'),
      201,
    );
    const before = await fingerprint(app);
    for (const body of [
      { originalIdea: 'Another body' },
      { originalIdea: 'The first body', title: 'plus a title' },
      { originalIdea: 'The first body ' },
    ]) {
      await expectProblem(await createWorkshop(userId, body, 'reused-1'), 422, 'idempotency_key_reused');
    }
    expect(await fingerprint(app)).toEqual(before);
    const [row] = await rows<{ original_idea: string }>(
      app,
      'select original_idea from workshops where id = $1',
      [original.id],
    );
    expect(row?.original_idea).toBe('The first body');
  });

  it('the same body with its fields in another order (and other whitespace) is the same request [canonical JSON hash]', async () => {
    const userId = 'user_idem_order';
    const first = await json<WorkshopBody>(
      await createWorkshopRaw(
        userId,
        '{"originalIdea":"Order","title":"Sorted","templateId":"tpl_1"}',
        'order-1',
      ),
      201,
    );
    for (const text of [
      '{"title":"Sorted","templateId":"tpl_1","originalIdea":"Order"}',
      '{ "templateId" : "tpl_1" ,\n "originalIdea":"Order", "title":"Sorted" }',
    ]) {
      const again = await createWorkshopRaw(userId, text, 'order-1');
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect((await json<WorkshopBody>(again, 201)).id).toBe(first.id);
    }
    expect(await workshopsOf(userId)).toBe(1);
  });

  it('a key used by another user is independent [keys scoped by clerk_user_id]', async () => {
    const body = { originalIdea: 'Shared key, separate users' };
    const alice = await json<WorkshopBody>(await createWorkshop('user_idem_alice', body, 'same-key'), 201);
    const bobResponse = await createWorkshop('user_idem_bob', body, 'same-key');
    expect(bobResponse.headers.get('idempotent-replayed')).toBeNull();
    const bob = await json<WorkshopBody>(bobResponse, 201);
    expect(bob.id).not.toBe(alice.id);
    // Bob may use the key with another body: it is his, not Alice's.
    expect(
      (await createWorkshop('user_idem_carol', { originalIdea: 'Carol has her own' }, 'same-key')).status,
    ).toBe(201);
    // And Alice's replay is still hers.
    expect(
      (await json<WorkshopBody>(await createWorkshop('user_idem_alice', body, 'same-key'), 201)).id,
    ).toBe(alice.id);
    expect(await workshopsOf('user_idem_alice')).toBe(1);
    expect(await workshopsOf('user_idem_bob')).toBe(1);
  });

  it.for([
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a tab inside', 'a\tb'],
    ['a control character (\\x01)', 'a\u0001b'],
    ['DEL (\\x7f)', 'a\u007fb'],
    ['a space inside', 'a b'],
    ['a Latin-1 letter', 'cl\u00e9'],
  ] as const)(
    'an invalid key (%s) → 400 naming the header, nothing written [key shape check]',
    async ([, key], { skip }) => {
      if (CONTROL_CHARACTER.test(key) && nodeOnly(FETCH_REFUSES_CONTROL_CHARACTERS))
        skip(FETCH_REFUSES_CONTROL_CHARACTERS);
      const before = await fingerprint(app);
      const problem = await expectProblem(
        await createWorkshop('user_idem_badkey', { originalIdea: 'Bad key' }, key),
        400,
        'validation_failed',
      );
      expect(problem.errors?.map((error) => error.path)).toEqual(['Idempotency-Key']);
      expect(await fingerprint(app)).toEqual(before);
    },
  );

  it('the longest valid key (255 visible ASCII characters) is accepted and replays', async () => {
    const key = `${'!~'.repeat(127)}k`;
    expect(key).toHaveLength(255);
    const first = await json<WorkshopBody>(
      await createWorkshop('user_idem_longkey', { originalIdea: 'Long key' }, key),
      201,
    );
    const again = await createWorkshop('user_idem_longkey', { originalIdea: 'Long key' }, key);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await json<WorkshopBody>(again, 201)).id).toBe(first.id);
  });

  it('a create that committed while the client lost the response can be retried safely', async () => {
    const userId = 'user_idem_lost';
    const body = { originalIdea: 'The answer never arrived' };
    const lost = await createWorkshop(userId, body, 'lost-1');
    // The client never sees the answer: only the database knows the workshop exists.
    await lost.body?.cancel();
    const [committed] = await rows<{ id: string }>(app, 'select id from workshops where clerk_user_id = $1', [
      userId,
    ]);
    expect(committed?.id).toBeDefined();

    const retry = await createWorkshop(userId, body, 'lost-1');
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('location')).toBe(`/api/workshops/${committed?.id}`);
    expect((await json<WorkshopBody>(retry, 201)).id).toBe(committed?.id);
    expect(await tracesOf(userId)).toEqual({ workshops: 1, members: 1, steps: 10 });
  });

  it('expired keys are swept and the key works anew [sweep + expires_at]', async () => {
    const userId = 'user_idem_expired';
    const first = await json<WorkshopBody>(
      await createWorkshop(userId, { originalIdea: 'Before expiry' }, 'expiring'),
      201,
    );
    // Another expired key of the same user, never reused: the sweep must remove it too.
    await app.database.sql.query(
      `insert into idempotency_keys (clerk_user_id, key, request_hash, response_status, expires_at)
       values ($1, 'create-workshop:forgotten', 'x', 201, now() - interval '1 hour')`,
      [userId],
    );
    await app.database.sql.query(
      `update idempotency_keys set expires_at = now() - interval '1 minute' where clerk_user_id = $1`,
      [userId],
    );

    // A different body is no reuse once the key has expired: it is a new request.
    const renewed = await createWorkshop(userId, { originalIdea: 'After expiry' }, 'expiring');
    expect(renewed.headers.get('idempotent-replayed')).toBeNull();
    const second = await json<WorkshopBody>(renewed, 201);
    expect(second.id).not.toBe(first.id);
    expect(await keysOf(userId)).toEqual([
      { key: 'create-workshop:expiring', response_status: 201, resource_id: second.id, live: true },
    ]);

    const replay = await createWorkshop(userId, { originalIdea: 'After expiry' }, 'expiring');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await json<WorkshopBody>(replay, 201)).id).toBe(second.id);
    expect(await workshopsOf(userId)).toBe(2);
  });

  it('concurrent creates with different keys sweep the same expired keys without deadlocking or failing', async () => {
    const userId = 'user_idem_sweepers';
    await app.database.sql.query(
      `insert into idempotency_keys (clerk_user_id, key, request_hash, response_status, expires_at)
       select $1, 'create-workshop:old-' || n, 'x', 201, now() - interval '1 hour' from generate_series(1, 50) n`,
      [userId],
    );
    const headers = await as(userId, { plan: 'pro' });
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        app.request('/api/workshops', {
          method: 'POST',
          ...jsonBody({ originalIdea: `Sweeper ${index}` }, withKey(headers, `sweeper-${index}`)),
        }),
      ),
    );
    const texts = await Promise.all(responses.map((response) => response.text()));
    expect(
      responses.map((response) => response.status),
      texts.find((_, index) => responses[index]?.status !== 201),
    ).toEqual(Array(20).fill(201));
    expect(await workshopsOf(userId)).toBe(20);
    const keys = await keysOf(userId);
    expect(keys).toHaveLength(20);
    expect(keys.every((key) => key.live && key.key.startsWith('create-workshop:sweeper-'))).toBe(true);
  });

  it('a replayed cap refusal (403) stays 403, even once the cap would allow it [remembered refusal]', async () => {
    const userId = 'user_idem_capped';
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) {
      ids.push(
        (
          await json<WorkshopBody>(
            await createWorkshop(userId, { originalIdea: `Fill ${index}` }, undefined, 'free'),
            201,
          )
        ).id,
      );
    }
    const body = { originalIdea: 'One too many' };
    const refused = await expectProblem(
      await createWorkshop(userId, body, 'capped-1', 'free'),
      403,
      'workshop_cap_reached',
    );
    expect(refused).toMatchObject({ cap: 3, plan: 'free', count: 3 });

    // Room again: a delete brings the user under the cap.
    const deleted = await app.request(`/api/workshops/${ids[0]}?confirm=true`, {
      method: 'DELETE',
      headers: await as(userId, { plan: 'free' }),
    });
    expect(deleted.status).toBe(204);

    const replay = await createWorkshop(userId, body, 'capped-1', 'free');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const replayed = await expectProblem(replay, 403, 'workshop_cap_reached');
    expect(replayed).toMatchObject({ cap: 3, plan: 'free', count: 3 });
    expect(await workshopsOf(userId)).toBe(2);

    // The same body under a new key is a new request, and now fits.
    expect((await createWorkshop(userId, body, 'capped-2', 'free')).status).toBe(201);
    expect(await workshopsOf(userId)).toBe(3);
  });
});

describe('Idempotency-Key on POST /api/workshops/{workshopId}/build-packs', () => {
  const owner = 'user_idem_pack_owner';
  let workshopId: string;

  beforeAll(async () => {
    workshopId = await newWorkshop(owner);
  });

  it('same key and same body → the original response (same id, 201, Idempotent-Replayed: true), no second row [remember/recall + replay]', async () => {
    const body = { format: 'markdown', title: 'The pack' };
    const first = await createPack(owner, workshopId, body, 'pack-replay');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const original = await json<PackBody>(first, 201);
    const before = await packsIn(workshopId);

    const second = await createPack(owner, workshopId, body, 'pack-replay');
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(await json<PackBody>(second, 201)).toEqual(original);
    expect(await packsIn(workshopId)).toBe(before);
  });

  it('20 concurrent retries with one key → one row, all 201 with the same id [per-user advisory lock]', async () => {
    await warmUp(owner);
    for (let round = 0; round < 3; round++) {
      const target = await newWorkshop(owner, `Pack storm ${round}`);
      const headers = withKey(await as(owner), `pack-storm-${round}`);
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          app.request(`/api/workshops/${target}/build-packs`, {
            method: 'POST',
            ...jsonBody({ format: 'json' }, headers),
          }),
        ),
      );
      const texts = await Promise.all(responses.map((response) => response.text()));
      expect(
        responses.map((response) => response.status),
        texts.find((_, index) => responses[index]?.status !== 201),
      ).toEqual(Array(20).fill(201));
      expect(new Set(texts.map((text) => (JSON.parse(text) as PackBody).id)).size).toBe(1);
      expect(
        responses.filter((response) => response.headers.get('idempotent-replayed') === 'true'),
      ).toHaveLength(19);
      expect(await packsIn(target)).toBe(1);
    }
  });

  it('same key with a different body → 422 idempotency_key_reused, nothing written [request hash check]', async () => {
    expect((await createPack(owner, workshopId, { format: 'pdf' }, 'pack-reused')).status).toBe(201);
    const before = await fingerprint(app);
    await expectProblem(
      await createPack(owner, workshopId, { format: 'json' }, 'pack-reused'),
      422,
      'idempotency_key_reused',
    );
    await expectProblem(
      await createPack(owner, workshopId, { format: 'pdf', title: 'Now with a title' }, 'pack-reused'),
      422,
      'idempotency_key_reused',
    );
    expect(await fingerprint(app)).toEqual(before);
  });

  it('the same body with its fields in another order is the same request [canonical JSON hash]', async () => {
    const headers = withKey(await as(owner), 'pack-order');
    const send = (text: string) =>
      app.request(`/api/workshops/${workshopId}/build-packs`, {
        method: 'POST',
        body: text,
        headers: { 'Content-Type': 'application/json', ...headers },
      });
    const first = await json<PackBody>(await send('{"format":"json","title":"Ordered"}'), 201);
    const again = await send('{"title":"Ordered",\n  "format":"json"}');
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await json<PackBody>(again, 201)).id).toBe(first.id);
  });

  it('a key used by another user, on another workshop or on the other route is independent [key scope]', async () => {
    const editor = 'user_idem_pack_editor';
    const added = await app.request(`/api/workshops/${workshopId}/members/${editor}`, {
      method: 'PUT',
      ...jsonBody({ role: 'editor' }, await as(owner)),
    });
    expect(added.status).toBe(201);
    const body = { format: 'markdown' };
    const mine = await json<PackBody>(await createPack(owner, workshopId, body, 'pack-scope'), 201);
    const theirs = await createPack(editor, workshopId, body, 'pack-scope');
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect((await json<PackBody>(theirs, 201)).id).not.toBe(mine.id);

    const elsewhere = await newWorkshop(owner, 'Another workshop');
    const other = await createPack(owner, elsewhere, body, 'pack-scope');
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect((await json<PackBody>(other, 201)).workshopId).toBe(elsewhere);

    // The same key on the workshop route names another operation.
    const workshop = await createWorkshop(owner, { originalIdea: 'Key shared with a pack' }, 'pack-scope');
    expect(workshop.headers.get('idempotent-replayed')).toBeNull();
    expect(workshop.status).toBe(201);
  });

  it.for([
    ['empty', ''],
    ['256 characters', 'p'.repeat(256)],
    ['a control character (\\x1b)', 'a\u001bb'],
  ] as const)('an invalid key (%s) → 400, nothing written [key shape check]', async ([, key], { skip }) => {
    if (CONTROL_CHARACTER.test(key) && nodeOnly(FETCH_REFUSES_CONTROL_CHARACTERS))
      skip(FETCH_REFUSES_CONTROL_CHARACTERS);
    const before = await fingerprint(app);
    await expectProblem(
      await createPack(owner, workshopId, { format: 'json' }, key),
      400,
      'validation_failed',
    );
    expect(await fingerprint(app)).toEqual(before);
  });

  it('a create whose response was lost can be retried safely', async () => {
    const target = await newWorkshop(owner, 'Lost pack');
    const lost = await createPack(owner, target, { format: 'pdf' }, 'pack-lost');
    await lost.body?.cancel();
    const [committed] = await rows<{ id: string }>(app, 'select id from build_packs where workshop_id = $1', [
      target,
    ]);
    const retry = await createPack(owner, target, { format: 'pdf' }, 'pack-lost');
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect((await json<PackBody>(retry, 201)).id).toBe(committed?.id);
    expect(await packsIn(target)).toBe(1);
  });

  it('an expired key is swept and works anew [sweep + expires_at]', async () => {
    const target = await newWorkshop(owner, 'Expiring pack');
    const first = await json<PackBody>(await createPack(owner, target, { format: 'json' }, 'pack-exp'), 201);
    await app.database.sql.query(
      `update idempotency_keys set expires_at = now() - interval '1 second'
        where clerk_user_id = $1 and key like '%:pack-exp'`,
      [owner],
    );
    const renewed = await createPack(owner, target, { format: 'markdown' }, 'pack-exp');
    expect(renewed.headers.get('idempotent-replayed')).toBeNull();
    expect((await json<PackBody>(renewed, 201)).id).not.toBe(first.id);
    expect(await packsIn(target)).toBe(2);
    expect(
      await count(
        app,
        `select count(*) from idempotency_keys where clerk_user_id = $1 and key like '%:pack-exp'
           and expires_at > now()`,
        [owner],
      ),
    ).toBe(1);
  });
});

describe('repeating a request that is idempotent by nature', () => {
  it('20 concurrent POST …/complete of one step → all 200 complete, one completion [complete is idempotent]', async () => {
    const owner = 'user_idem_completer';
    await warmUp(owner, 'pro');
    const failures: string[] = [];
    for (let round = 0; round < 5; round++) {
      const workshopId = await newWorkshop(owner, `Complete race ${round}`);
      const headers = await as(owner, { plan: 'pro' });
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          app.request(`/api/workshops/${workshopId}/steps/challenge/complete`, {
            method: 'POST',
            ...jsonBody({ by: 'ai' }, headers),
          }),
        ),
      );
      const texts = await Promise.all(responses.map((response) => response.text()));
      const statuses = responses.map((response) => response.status);
      if (statuses.some((status) => status !== 200)) {
        failures.push(`round ${round}: ${statuses.join(',')} — ${texts.find((_, i) => statuses[i] !== 200)}`);
      }
      const [step] = await rows<{ status: string; completion: string }>(
        app,
        "select status, completion from workshop_steps where workshop_id = $1 and step_id = 'challenge'",
        [workshopId],
      );
      expect(step).toEqual({ status: 'complete', completion: 'ai_confirmed' });
    }
    expect(failures).toEqual([]);
  });
});
