/**
 * Reliability targets of docs/quality.md for workshops, members and sharing: the plan cap under a race, atomic
 * creation under injected failures, one database round trip per request, and hostile input that is refused
 * (or kept byte for byte) without ever reaching a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids';
import type { WorkshopDetail } from '../../src/schemas/workshops';
import { CHILD_TABLES, snapshotWorkshop } from '../support/authz-matrix';
import { expectProblem } from '../support/problem';
import { createTestApp, jsonBody, type TestApp } from '../support/test-app';

let app: TestApp;
const tokens = new Map<string, Promise<Record<string, string>>>();

beforeAll(async () => {
  // Generous database timeouts: 50 requests queue on one advisory lock, and CI machines are busy. The
  // timeouts themselves are tested elsewhere.
  app = await createTestApp(
    { WORKSHOP_CAPS: 'free:3,pro:1000', DB_TIMEOUT_MS: '60000' },
    // Looked up on each call: statementsOf() swaps globalThis.fetch to read the SQL the Worker sends.
    { workerOutbound: (input, init) => globalThis.fetch(input, init) },
  );
});

afterAll(async () => {
  await app?.close();
});

function as(userId: string, plan?: string): Promise<Record<string, string>> {
  const key = `${userId}:${plan ?? ''}`;
  let headers = tokens.get(key);
  if (!headers) {
    headers = app.as(userId, plan ? { plan } : {});
    tokens.set(key, headers);
  }
  return headers;
}

async function query<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await app.database.sql.query(text, params)).rows as T[];
}

async function count(text: string, params: unknown[] = []): Promise<number> {
  const [row] = await query<{ count: number }>(text, params);
  return row?.count ?? -1;
}

const ownedBy = (userId: string) =>
  count('select count(*)::int as count from workshops where clerk_user_id = $1', [userId]);

/** Everything a user could have left behind, in every table that can hold a trace of them. */
async function tracesOf(userId: string) {
  return {
    workshops: await ownedBy(userId),
    members: await count('select count(*)::int as count from workshop_members where clerk_user_id = $1', [
      userId,
    ]),
    steps: await count(
      `select count(*)::int as count from workshop_steps s join workshops w on w.id = s.workshop_id
        where w.clerk_user_id = $1`,
      [userId],
    ),
  };
}

async function createAs(userId: string, body: unknown, plan = 'pro'): Promise<Response> {
  return app.request('/api/workshops', { method: 'POST', ...jsonBody(body, await as(userId, plan)) });
}

async function created(userId: string, body: Record<string, unknown> = {}): Promise<WorkshopDetail> {
  const response = await createAs(userId, { originalIdea: 'A reliable workshop', ...body });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return JSON.parse(text) as WorkshopDetail;
}

describe('the workshop cap under a race', () => {
  it('50 concurrent creates by one user with cap 3 → exactly 3 × 201 and 47 × 403, 20 times over', async () => {
    const violations: string[] = [];
    for (let round = 0; round < 20; round++) {
      const userId = `user_racer_${round}`;
      const headers = await as(userId);
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          app.request('/api/workshops', {
            method: 'POST',
            ...jsonBody({ originalIdea: `Race ${round}, attempt ${index}` }, headers),
          }),
        ),
      );
      const bodies = await Promise.all(
        responses.map(async (response) => (await response.json()) as Record<string, unknown>),
      );
      const statuses = responses.map((response) => response.status);
      const createdCount = statuses.filter((status) => status === 201).length;
      const refused = bodies.filter(
        (body, index) =>
          statuses[index] === 403 &&
          body.code === 'workshop_cap_reached' &&
          body.cap === 3 &&
          body.plan === 'free' &&
          body.count === 3,
      ).length;
      const rows = await tracesOf(userId);
      if (
        createdCount !== 3 ||
        refused !== 47 ||
        rows.workshops !== 3 ||
        rows.members !== 3 ||
        rows.steps !== 30
      ) {
        const others = bodies
          .map((body, index) => ({ status: statuses[index], code: body.code, count: body.count }))
          .filter(
            ({ status, code, count }) => status !== 201 && !(code === 'workshop_cap_reached' && count === 3),
          );
        violations.push(
          `round ${round}: ${createdCount} created, ${refused} refused with the cap problem, rows ${JSON.stringify(rows)}; other answers ${JSON.stringify(others.slice(0, 3))}`,
        );
      }
    }
    expect(violations).toEqual([]);
  }, 600_000); // 1,000 creates queued on one advisory lock: a hang detector with room for a very busy machine

  it('the refusal is a problem document naming cap, plan and count', async () => {
    const userId = 'user_capped';
    for (let index = 0; index < 3; index++) {
      expect((await createAs(userId, { originalIdea: `Number ${index}` }, 'free')).status).toBe(201);
    }
    const problem = await expectProblem(
      await createAs(userId, { originalIdea: 'One too many' }, 'free'),
      403,
      'workshop_cap_reached',
    );
    expect(problem).toMatchObject({ cap: 3, plan: 'free', count: 3 });
    expect(await ownedBy(userId)).toBe(3);
  });
});

describe('a failure injected into any statement of create-workshop', () => {
  /** Creates a workshop with `pattern` failing, and checks the answer and that nothing at all was written. */
  async function createWithFault(userId: string, pattern: string): Promise<void> {
    const stepsBefore = await count('select count(*)::int as count from workshop_steps');
    const membersBefore = await count('select count(*)::int as count from workshop_members');
    app.endpoint.setFaults({ failQuery: { pattern } }, app.database.name);
    let response: Response;
    try {
      response = await createAs(userId, { originalIdea: 'Doomed by an injected fault' });
    } finally {
      app.endpoint.clearFaults(app.database.name);
    }
    const text = await response.clone().text();
    expect(response.status, `${pattern.slice(0, 60)} → ${text.slice(0, 200)}`).toBeGreaterThanOrEqual(500);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = JSON.parse(text) as { code: string; status: number };
    expect(body.status).toBe(response.status);
    expect(['internal_error', 'database_unavailable']).toContain(body.code);
    // Database details never leave the server.
    expect(text).not.toMatch(/insert|select|workshop_|injected|pg_advisory|XX000/i);

    expect(await tracesOf(userId)).toEqual({ workshops: 0, members: 0, steps: 0 });
    expect(await count('select count(*)::int as count from workshop_steps')).toBe(stepsBefore);
    expect(await count('select count(*)::int as count from workshop_members')).toBe(membersBefore);

    // The fault was the only problem: the same request now succeeds.
    expect((await createAs(userId, { originalIdea: 'Fine this time' })).status).toBe(201);
  }

  it.each([
    ['the cap lock', 'pg_advisory_xact_lock'],
    ['insert into workshops', 'insert into workshops '],
    ['insert into workshop_members', 'insert into workshop_members'],
    ['insert into workshop_steps', 'insert into workshop_steps'],
  ])('%s → a 5xx problem, and nothing written at all', async (name, pattern) => {
    await createWithFault(`user_fault_${name.replace(/[^a-z]/g, '')}`, pattern);
  });

  it('every statement of the batch, whatever it is → a 5xx problem, and nothing written at all', async () => {
    const statements = await statementsOf(() => created('user_fault_probe'));
    expect(statements.length).toBeGreaterThanOrEqual(3);
    for (const [index, statement] of statements.entries()) {
      await createWithFault(`user_fault_statement_${index}`, `^${escapeRegExp(statement)}$`);
    }
  });
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The SQL texts `action` sent to the SQL endpoint in its one round trip (a batch or a single statement). */
async function statementsOf(action: () => Promise<unknown>): Promise<string[]> {
  const original = globalThis.fetch;
  const bodies: string[] = [];
  globalThis.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url === app.env.NEON_SQL_ENDPOINT && typeof init?.body === 'string') bodies.push(init.body);
    return original(input, init);
  };
  try {
    await action();
  } finally {
    globalThis.fetch = original;
  }
  expect(bodies).toHaveLength(1);
  const payload = JSON.parse(bodies[0] ?? '{}') as { query?: string; queries?: { query: string }[] };
  return payload.queries ? payload.queries.map((statement) => statement.query) : [payload.query ?? ''];
}

describe('one database round trip per request', () => {
  let workshopId: string;
  let shareToken: string;
  const owner = 'user_trips_owner';

  beforeAll(async () => {
    workshopId = (await created(owner)).id;
    const response = await app.request(`/api/workshops/${workshopId}/share`, {
      method: 'PUT',
      headers: await as(owner),
    });
    shareToken = ((await response.json()) as { shareToken: string }).shareToken;
  });

  async function trips(method: string, path: string, body?: unknown, userId: string | null = owner) {
    const headers = userId === null ? {} : await as(userId);
    const init = body === undefined ? { method, headers } : { method, ...jsonBody(body, headers) };
    const { result, roundTrips } = await app.countRoundTrips(() => app.request(path, init));
    return { status: result.status, roundTrips };
  }

  it.each([
    ['GET /api/me', 'GET', '/api/me', undefined, 200],
    ['GET /api/workshops', 'GET', '/api/workshops', undefined, 200],
    ['GET /api/workshops?status=draft&limit=1', 'GET', '/api/workshops?status=draft&limit=1', undefined, 200],
    ['POST /api/workshops', 'POST', '/api/workshops', { originalIdea: 'Counted' }, 201],
  ] as const)('%s → 1', async (_, method, path, body, status) => {
    expect(await trips(method, path, body)).toEqual({ status, roundTrips: 1 });
  });

  it('GET, PATCH and both forms of DELETE of a workshop → 1 each', async () => {
    const target = (await created(owner)).id;
    expect(await trips('GET', `/api/workshops/${target}`)).toEqual({ status: 200, roundTrips: 1 });
    expect(await trips('PATCH', `/api/workshops/${target}`, { title: 'Counted', status: 'active' })).toEqual({
      status: 200,
      roundTrips: 1,
    });
    expect(await trips('DELETE', `/api/workshops/${target}`)).toEqual({ status: 428, roundTrips: 1 });
    expect(await trips('DELETE', `/api/workshops/${target}?confirm=true`)).toEqual({
      status: 204,
      roundTrips: 1,
    });
  });

  it('sharing on and off, and the shared view → 1 each', async () => {
    const target = (await created(owner)).id;
    expect(await trips('PUT', `/api/workshops/${target}/share`)).toEqual({ status: 200, roundTrips: 1 });
    expect(await trips('GET', `/api/shared/${shareToken}`, undefined, null)).toEqual({
      status: 200,
      roundTrips: 1,
    });
    expect(await trips('DELETE', `/api/workshops/${target}/share`)).toEqual({ status: 204, roundTrips: 1 });
  });

  it('members: list, add, change, remove → 1 each', async () => {
    expect(await trips('GET', `/api/workshops/${workshopId}/members`)).toEqual({
      status: 200,
      roundTrips: 1,
    });
    expect(
      await trips('PUT', `/api/workshops/${workshopId}/members/user_trips_guest`, { role: 'viewer' }),
    ).toEqual({
      status: 201,
      roundTrips: 1,
    });
    expect(
      await trips('PUT', `/api/workshops/${workshopId}/members/user_trips_guest`, { role: 'editor' }),
    ).toEqual({
      status: 200,
      roundTrips: 1,
    });
    expect(await trips('DELETE', `/api/workshops/${workshopId}/members/user_trips_guest`)).toEqual({
      status: 204,
      roundTrips: 1,
    });
  });

  it('refusals decided by the same statement cost no more: 403 and 404 → 1 each', async () => {
    await app.request(`/api/workshops/${workshopId}/members/user_trips_viewer`, {
      method: 'PUT',
      ...jsonBody({ role: 'viewer' }, await as(owner)),
    });
    expect(
      await trips('PATCH', `/api/workshops/${workshopId}`, { title: 'No' }, 'user_trips_viewer'),
    ).toEqual({
      status: 403,
      roundTrips: 1,
    });
    expect(await trips('GET', `/api/workshops/${workshopId}`, undefined, 'user_trips_stranger')).toEqual({
      status: 404,
      roundTrips: 1,
    });
  });

  it.each([
    ['GET', '/api/me'],
    ['GET', '/api/workshops'],
    ['POST', '/api/workshops'],
    ['GET', `/api/workshops/${newId('workshop')}`],
    ['PATCH', `/api/workshops/${newId('workshop')}`],
    ['DELETE', `/api/workshops/${newId('workshop')}?confirm=true`],
    ['PUT', `/api/workshops/${newId('workshop')}/share`],
    ['GET', `/api/workshops/${newId('workshop')}/members`],
    ['DELETE', `/api/workshops/${newId('workshop')}/members/user_x`],
  ])('a 401 on %s %s → 0', async (method, path) => {
    const init =
      method === 'GET'
        ? { method }
        : { method, ...jsonBody({ originalIdea: 'x', title: 'x', role: 'viewer' }) };
    const { result, roundTrips } = await app.countRoundTrips(() => app.request(path, init));
    await expectProblem(result, 401, 'unauthorized');
    expect(roundTrips).toBe(0);
  });
});

describe('bad input is refused with 400 and writes nothing', () => {
  it.each([
    ['clerkUserId', { clerkUserId: 'user_victim' }],
    ['role', { role: 'owner' }],
    ['status', { status: 'completed' }],
    ['id', { id: 'ws_chosenbythecallerxxxxxxx' }],
    ['createdAt', { createdAt: '2020-01-01T00:00:00.000Z' }],
    ['updatedAt', { updatedAt: '2020-01-01T00:00:00.000Z' }],
    ['visibility', { visibility: 'shared' }],
    ['shareToken', { shareToken: 'a'.repeat(43) }],
  ])('POST /api/workshops with an unknown field %s', async (field, extra) => {
    const userId = `user_unknown_${field}`;
    const problem = await expectProblem(
      await createAs(userId, { originalIdea: 'Sneaky', ...extra }),
      400,
      'validation_failed',
    );
    expect(problem.errors?.length).toBeGreaterThan(0);
    expect(await tracesOf(userId)).toEqual({ workshops: 0, members: 0, steps: 0 });
    expect(
      await count('select count(*)::int as count from workshops where id = $1', [
        'ws_chosenbythecallerxxxxxxx',
      ]),
    ).toBe(0);
  });

  it.each([
    ['clerkUserId', { clerkUserId: 'user_thief' }],
    ['role', { role: 'viewer' }],
    ['id', { id: 'ws_otherxxxxxxxxxxxxxxxxxxx' }],
    ['createdAt', { createdAt: '2020-01-01T00:00:00.000Z' }],
    ['shareToken', { shareToken: 'b'.repeat(43) }],
  ])('PATCH /api/workshops/{id} with an unknown field %s', async (_, extra) => {
    const workshop = await created('user_patch_fields', { title: 'Untouched' });
    const before = await snapshotWorkshop(app.database.sql, workshop.id);
    await expectProblem(
      await app.request(`/api/workshops/${workshop.id}`, {
        method: 'PATCH',
        ...jsonBody({ title: 'Touched', ...extra }, await as('user_patch_fields')),
      }),
      400,
      'validation_failed',
    );
    expect(await snapshotWorkshop(app.database.sql, workshop.id)).toEqual(before);
  });

  const long = (length: number) => 'x'.repeat(length);

  it.each([
    ['a title of 201 characters', { originalIdea: 'Idea', title: long(201) }],
    ['an idea of 10,001 characters', { originalIdea: long(10_001) }],
    ['an empty idea', { originalIdea: '' }],
    ['a blank idea', { originalIdea: ' \n\t ' }],
    ['an empty title', { originalIdea: 'Idea', title: '' }],
    ['a blank title', { originalIdea: 'Idea', title: '   ' }],
    ['no idea at all', { title: 'Title only' }],
    ['a number for the idea', { originalIdea: 42 }],
    ['null for the idea', { originalIdea: null }],
    ['an array for the idea', { originalIdea: ['Idea'] }],
    ['an object for the title', { originalIdea: 'Idea', title: { text: 'Title' } }],
    ['a boolean for the title', { originalIdea: 'Idea', title: true }],
    ['a templateId with spaces', { originalIdea: 'Idea', templateId: 'not a template' }],
    ['an orgId of 65 characters', { originalIdea: 'Idea', orgId: long(65) }],
    ['NUL in the title', { originalIdea: 'Idea', title: 'Before\u0000after' }],
    ['NUL in the idea', { originalIdea: 'Before\u0000after' }],
    ['an array body', ['Idea']],
    ['a string body', 'Idea'],
    ['a null body', null],
  ])('POST /api/workshops with %s → 400', async (name, body) => {
    const userId = `user_bounds_${name.replace(/[^a-z0-9]/gi, '').slice(0, 40)}`;
    await expectProblem(await createAs(userId, body), 400, 'validation_failed');
    expect(await tracesOf(userId)).toEqual({ workshops: 0, members: 0, steps: 0 });
  });

  it('accepts the bounds themselves: a 200-character title and a 10,000-character idea', async () => {
    const workshop = await created('user_bounds_exact', { title: long(200), originalIdea: long(10_000) });
    expect(workshop.title).toHaveLength(200);
    expect(workshop.originalIdea).toHaveLength(10_000);
  });

  it('POST /api/workshops with malformed JSON → 400 malformed_json', async () => {
    const response = await app.request('/api/workshops', {
      method: 'POST',
      body: '{"originalIdea": "unterminated',
      headers: { 'Content-Type': 'application/json', ...(await as('user_malformed')) },
    });
    await expectProblem(response, 400, 'malformed_json');
    expect(await tracesOf('user_malformed')).toEqual({ workshops: 0, members: 0, steps: 0 });
  });

  it.each([
    ['an empty body', {}],
    ['a title of 201 characters', { title: long(201) }],
    ['an idea of 10,001 characters', { originalIdea: long(10_001) }],
    ['a blank title', { title: '  ' }],
    ['an empty idea', { originalIdea: '' }],
    ['NUL in the title', { title: 'a\u0000b' }],
    ['NUL in the idea', { originalIdea: 'a\u0000b' }],
    ['an unknown status', { status: 'archived' }],
    ['a number for the status', { status: 1 }],
    ['null for the title', { title: null }],
  ])('PATCH /api/workshops/{id} with %s → 400, nothing changed', async (_, body) => {
    const workshop = await created('user_patch_bounds', { title: 'Stays' });
    const before = await snapshotWorkshop(app.database.sql, workshop.id);
    await expectProblem(
      await app.request(`/api/workshops/${workshop.id}`, {
        method: 'PATCH',
        ...jsonBody(body, await as('user_patch_bounds')),
      }),
      400,
      'validation_failed',
    );
    expect(await snapshotWorkshop(app.database.sql, workshop.id)).toEqual(before);
  });

  it.each([
    ['a role that does not exist', { role: 'admin' }],
    ['no role', {}],
    ['an extra field', { role: 'viewer', createdAt: '2020-01-01T00:00:00.000Z' }],
    ['a number for the role', { role: 1 }],
  ])('PUT /api/workshops/{id}/members/{user} with %s → 400, nothing changed', async (_, body) => {
    const workshop = await created('user_member_bounds');
    const before = await snapshotWorkshop(app.database.sql, workshop.id);
    await expectProblem(
      await app.request(`/api/workshops/${workshop.id}/members/user_member_target`, {
        method: 'PUT',
        ...jsonBody(body, await as('user_member_bounds')),
      }),
      400,
      'validation_failed',
    );
    expect(await snapshotWorkshop(app.database.sql, workshop.id)).toEqual(before);
  });

  it.each([
    ['limit=0'],
    ['limit=101'],
    ['limit=abc'],
    ['limit=-1'],
    ['limit=1.5'],
    ['status=archived'],
    ['cursor=not-a-cursor'],
    [`cursor=${Buffer.from(JSON.stringify(['yesterday', 'ws_x'])).toString('base64url')}`],
    [
      `cursor=${Buffer.from(JSON.stringify({ updatedAt: '2026-01-01T00:00:00Z', id: 'ws_x' })).toString('base64url')}`,
    ],
    [`cursor=${Buffer.from(JSON.stringify(['2026-01-01T00:00:00Z', 42])).toString('base64url')}`],
    [`cursor=${'A'.repeat(513)}`],
  ])('GET /api/workshops?%s → 400', async (search) => {
    await expectProblem(
      await app.request(`/api/workshops?${search}`, { headers: await as('user_list_bounds') }),
      400,
      'validation_failed',
    );
  });

  const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it.each([
    ['a bare year', cursorOf(['2026', 'ws_x'])],
    ['a negative year', cursorOf(['-000001-01-01T00:00:00Z', 'ws_x'])],
    ['the last date JavaScript knows', cursorOf(['+275760-09-13T00:00:00.000Z', 'ws_x'])],
    ['NUL in the id', cursorOf(['2026-01-01T00:00:00Z', 'ws\u0000x'])],
    ['an impossible date', cursorOf(['2026-02-30', 'ws_x'])],
  ])(
    'GET /api/workshops with a cursor that decodes but names no position (%s) → 400, never 500',
    async (_, cursor) => {
      const response = await app.request(`/api/workshops?cursor=${cursor}`, {
        headers: await as('user_list_bounds'),
      });
      const text = await response.text();
      expect(response.status, text).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    },
  );

  it.each([
    ['a version beyond the range of dates', '"ws-zzzzzzzzzzzz"'],
    ['another version beyond the range of dates', '"ws-99999999999"'],
    ['a version of another kind of resource', '"st-abc"'],
    ['a weak tag that names nothing', 'W/"ws-1"'],
    ['garbage', 'not an etag'],
  ])(
    'PATCH with an If-Match naming no current version (%s) → 412, never 500, nothing changed',
    async (_, ifMatch) => {
      const workshop = await created('user_if_match_odd', { title: 'Unchanged' });
      const before = await snapshotWorkshop(app.database.sql, workshop.id);
      await expectProblem(
        await app.request(`/api/workshops/${workshop.id}`, {
          method: 'PATCH',
          ...jsonBody({ title: 'Changed' }, { ...(await as('user_if_match_odd')), 'If-Match': ifMatch }),
        }),
        412,
        'precondition_failed',
      );
      expect(await snapshotWorkshop(app.database.sql, workshop.id)).toEqual(before);
    },
  );
});

describe('Unicode round-trips byte for byte', () => {
  const SAMPLES: readonly (readonly [string, string])[] = [
    ['emoji with ZWJ sequences and skin tones', '👩‍👩‍👧‍👦 family · 🧑🏽‍🍳 cook · 🏳️‍🌈 flag'],
    ['right-to-left Arabic', 'تطبيق يخطط الوجبات حول نوبات العمل المتناوبة'],
    ['right-to-left Hebrew with a bidi mark', 'אפליקציה לתכנון ארוחות\u200f לעובדי משמרות'],
    [
      'combining marks (decomposed, not normalised)',
      'Cafe\u0301 n\u0303 Z\u0324\u0354\u0367\u0311\u0313 a\u0308',
    ],
    ['astral plane characters', '𝒜𝔅𝕮 𐍈 🀄 𠜎𠜱 \u{1F9EA}'],
    ['mixed scripts and invisible characters', 'Ωμέγα — 漢字 — ＡＢＣ\u00a0\u2060end'],
  ];

  it.each(SAMPLES)('%s in the title and the idea', async (_, text) => {
    const idea = `${text}\nsecond line ${text}`;
    const workshop = await created('user_unicode', { title: text, originalIdea: idea });
    expect(Buffer.from(workshop.title).equals(Buffer.from(text))).toBe(true);
    expect(Buffer.from(workshop.originalIdea).equals(Buffer.from(idea))).toBe(true);

    const [row] = await query<{ title: string; original_idea: string }>(
      'select title, original_idea from workshops where id = $1',
      [workshop.id],
    );
    expect(Buffer.from(row?.title ?? '').equals(Buffer.from(text))).toBe(true);
    expect(Buffer.from(row?.original_idea ?? '').equals(Buffer.from(idea))).toBe(true);

    const read = (await (
      await app.request(`/api/workshops/${workshop.id}`, { headers: await as('user_unicode') })
    ).json()) as WorkshopDetail;
    expect(read.title).toBe(text);
    expect(read.originalIdea).toBe(idea);

    const patchedTitle = `${text} (edited)`;
    const patched = await app.request(`/api/workshops/${workshop.id}`, {
      method: 'PATCH',
      ...jsonBody({ title: patchedTitle }, await as('user_unicode')),
    });
    expect(((await patched.json()) as WorkshopDetail).title).toBe(patchedTitle);
    const [after] = await query<{ title: string }>('select title from workshops where id = $1', [
      workshop.id,
    ]);
    expect(after?.title).toBe(patchedTitle);
  });

  it('a lone surrogate (not Unicode text) is refused or kept exactly, never silently replaced', async () => {
    const response = await app.request('/api/workshops', {
      method: 'POST',
      body: '{"originalIdea": "before \\ud800 after", "title": "lone \\udc00"}',
      headers: { 'Content-Type': 'application/json', ...(await as('user_lone_surrogate')) },
    });
    const text = await response.text();
    if (response.status === 400) {
      expect(await tracesOf('user_lone_surrogate')).toEqual({ workshops: 0, members: 0, steps: 0 });
      return;
    }
    expect(response.status, text).toBe(201);
    const body = JSON.parse(text) as WorkshopDetail;
    expect(body.originalIdea, 'the idea came back altered').toBe('before \ud800 after');
    expect(body.title, 'the title came back altered').toBe('lone \udc00');
  });

  it('derives a title from an idea made of astral characters without splitting one', async () => {
    const idea = '🧑🏽‍🍳'.repeat(60);
    const workshop = await created('user_unicode', { originalIdea: idea });
    expect(workshop.title.endsWith('…')).toBe(true);
    expect(Buffer.from(workshop.title).toString('utf8')).toBe(workshop.title);
    expect(workshop.title).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('odd ids in paths → 404, never 500', () => {
  const ODD_IDS: readonly (readonly [string, string])[] = [
    ['SQL injection', "'; drop table workshops;--"],
    ['a parent-directory escape', '../'],
    ['an encoded parent-directory escape', '..%2F..%2Fhealth'],
    ['10 KB', 'w'.repeat(10 * 1024)],
    ['emoji', '🙂🙃'],
    ['ws_ and too short', 'ws_abc'],
    ['ws_ and too long', `ws_${'a'.repeat(40)}`],
    ['ws_ with capitals', `ws_${'A'.repeat(24)}`],
    ['a percent sign', '%'],
    ['NUL', '%00'],
  ];

  const ROUTES = (id: string) =>
    [
      ['GET', `/api/workshops/${id}`],
      ['PATCH', `/api/workshops/${id}`],
      ['DELETE', `/api/workshops/${id}?confirm=true`],
      ['PUT', `/api/workshops/${id}/share`],
      ['GET', `/api/workshops/${id}/members`],
      ['PUT', `/api/workshops/${id}/members/user_x`],
      ['DELETE', `/api/workshops/${id}/members/user_x`],
    ] as const;

  it.each(ODD_IDS)('%s', async (_, raw) => {
    const id = raw.includes('%') ? raw : encodeURIComponent(raw);
    const headers = await as('user_odd');
    for (const [method, path] of ROUTES(id)) {
      const init =
        method === 'GET'
          ? { method, headers }
          : { method, ...jsonBody({ title: 'x', role: 'viewer' }, headers) };
      const response = await app.request(path, init);
      const text = await response.text();
      expect(
        [400, 404],
        `${method} ${path.slice(0, 80)} → ${response.status}: ${text.slice(0, 300)}`,
      ).toContain(response.status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    for (const [method, path] of [
      ['GET', `/api/workshops/${newId('workshop')}/members/${id}`],
      ['GET', `/api/shared/${id}`],
    ] as const) {
      const response = await app.request(path, { method, headers });
      expect([400, 404, 405], `${method} ${path.slice(0, 80)}`).toContain(response.status);
    }
    // Every table is still there (a select from a dropped one would throw).
    for (const table of ['workshops', ...CHILD_TABLES]) {
      expect(await count(`select count(*)::int as count from ${table}`)).toBeGreaterThanOrEqual(0);
    }
  });

  it('answers an odd member id in a real workshop with 404 and changes nothing', async () => {
    const workshop = await created('user_odd_owner');
    const before = await snapshotWorkshop(app.database.sql, workshop.id);
    const headers = await as('user_odd_owner');
    for (const odd of ["'; drop table workshop_members;--", 'u'.repeat(65), '🙂', 'user x']) {
      for (const method of ['PUT', 'DELETE']) {
        const response = await app.request(
          `/api/workshops/${workshop.id}/members/${encodeURIComponent(odd)}`,
          {
            method,
            ...jsonBody({ role: 'viewer' }, headers),
          },
        );
        expect([400, 404], `${method} ${odd}`).toContain(response.status);
      }
    }
    expect(await snapshotWorkshop(app.database.sql, workshop.id)).toEqual(before);
  });
});
