/**
 * The database refusing, stalling, waking up slowly and failing one statement of a batch (docs/quality.md,
 * "database refusing / stalling" and "a failure injected into any statement"). The local SQL endpoint's
 * count-limited faults refuse exactly the next N requests, or lose their answers after they committed, so
 * "refused once, then fine" — what a retry needs — is deterministic.
 *
 * Protections guarded, one test each (names in brackets):
 *   src/middleware/errors.ts          unavailable → 503 problem + Retry-After, no internals
 *   src/middleware/database.ts        a DB_TIMEOUT_MS deadline per request, cleared when it ends
 *   src/routes/health.ts              HEALTH_TIMEOUT_MS; /api/health/live touches nothing
 *   src/middleware/database.ts        retriesFor(): reads, PUT, /complete and keyed POSTs only
 *   src/db/resilient-fetch.ts         the retry loop itself
 *   neon-http batches                 one transaction: a failing statement rolls back the others
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../support/problem';
import { createTestApp, jsonBody, type TestApp } from '../support/test-app';
import { count, expectNoInternals, fingerprint, type Headers, pathSender, rows, tokenCache } from './support';

/*
 * The deadlines under test, and what "within its bound" allows. Short enough to keep the stalls quick,
 * long enough that a request slowed down only by a busy machine (three times slower, both cores taken)
 * still fits: the faults, not the machine, must decide every outcome here.
 */
const DB_TIMEOUT_MS = 2_000;
const HEALTH_TIMEOUT_MS = 1_000;
const ROUTE_DEADLINE_MS = DB_TIMEOUT_MS + 4_000;
const HEALTH_DEADLINE_MS = HEALTH_TIMEOUT_MS + 3_000;

let app: TestApp;
const as = tokenCache(() => app);
const owner = 'user_faults_owner';
const send = pathSender(() => app, owner);
let workshopId: string;
let packId: string;

beforeAll(async () => {
  app = await createTestApp({
    DB_TIMEOUT_MS: String(DB_TIMEOUT_MS),
    HEALTH_TIMEOUT_MS: String(HEALTH_TIMEOUT_MS),
    WORKSHOP_CAPS: 'pro:100000',
  });
  // The fixture is made with no fault and no tight deadline: it is not what these tests are about.
  const setup = { ...app.env, DB_TIMEOUT_MS: '60000' };
  const headers = await as(owner, { plan: 'pro' });
  const created = await app.app.request(
    '/api/workshops',
    { method: 'POST', ...jsonBody({ originalIdea: 'The fault fixture' }, headers) },
    setup,
  );
  expect(created.status).toBe(201);
  workshopId = ((await created.json()) as { id: string }).id;
  const pack = await app.app.request(
    `/api/workshops/${workshopId}/build-packs`,
    { method: 'POST', ...jsonBody({ format: 'markdown' }, headers) },
    setup,
  );
  expect(pack.status).toBe(201);
  packId = ((await pack.json()) as { id: string }).id;
});

afterEach(() => {
  app.endpoint.clearFaults(app.database.name);
});

afterAll(async () => {
  await app?.close();
});

/** The next request to the database is dropped without an answer; later ones are not. */
function refuseNextRequest(): void {
  app.endpoint.setFaults({ refuse: true, times: 1 }, app.database.name);
}

/** The next request to the database runs and commits, but its answer never arrives; later ones do. */
function loseNextAnswer(): void {
  app.endpoint.setFaults({ loseAnswer: true, times: 1 }, app.database.name);
}

/**
 * Runs `action`, counting the requests the endpoint received for this database and those it served
 * (ran against Postgres): a refused request is received, never served.
 */
async function traffic<T>(
  action: () => Promise<T>,
): Promise<{ result: T; received: number; served: number }> {
  app.endpoint.startStatementLog(app.database.name);
  try {
    const { result, roundTrips } = await app.countRoundTrips(action);
    return { result, received: roundTrips, served: app.endpoint.takeStatementLog(app.database.name).length };
  } finally {
    app.endpoint.stopStatementLog(app.database.name);
  }
}

async function createWorkshop(userId: string, idea: string): Promise<string> {
  const response = await send('POST', '/api/workshops', { originalIdea: idea }, {}, userId);
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return (JSON.parse(text) as { id: string }).id;
}

async function timed<T>(action: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await action();
  return { result, ms: performance.now() - started };
}

/** A 503 problem the client can act on: database_unavailable, Retry-After, nothing internal. */
async function expectUnavailable(response: Response): Promise<void> {
  const text = await response.clone().text();
  await expectProblem(response, 503, 'database_unavailable');
  const retryAfter = response.headers.get('retry-after');
  expect(retryAfter, 'Retry-After').toMatch(/^[1-9]\d*$/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expectNoInternals(text);
}

/** One request per route class: public read, member read, list, create, update, idempotent write, delete. */
const ROUTE_CLASSES = (): readonly (readonly [string, string, string, unknown?])[] => [
  ['a public read (GET /api/step-definitions)', 'GET', '/api/step-definitions'],
  ['a member read (GET a workshop)', 'GET', `/api/workshops/${workshopId}`],
  ['a list (GET /api/workshops)', 'GET', '/api/workshops'],
  ['a create (POST /api/workshops)', 'POST', '/api/workshops', { originalIdea: 'Never stored' }],
  ['an update (PATCH a workshop)', 'PATCH', `/api/workshops/${workshopId}`, { title: 'Never stored' }],
  [
    'an idempotent write (PUT a step output)',
    'PUT',
    `/api/workshops/${workshopId}/steps/challenge/output`,
    { output: { never: 'stored' } },
  ],
  ['a delete (DELETE a build pack)', 'DELETE', `/api/workshops/${workshopId}/build-packs/${packId}`],
];

describe('the database refusing connections', () => {
  it('every route class answers 503 problem+json database_unavailable with Retry-After and no internals', async () => {
    const before = await fingerprint(app);
    app.endpoint.setFaults({ refuse: true }, app.database.name);
    for (const [label, method, path, body] of ROUTE_CLASSES()) {
      const response = await send(method, path, body);
      expect(response.status, label).toBe(503);
      await expectUnavailable(response);
    }
    app.endpoint.clearFaults(app.database.name);
    expect(await fingerprint(app)).toEqual(before);
  });

  it('/api/health answers 503 (database down) within its bound while /api/health/live stays 200', async () => {
    app.endpoint.setFaults({ refuse: true }, app.database.name);
    const { result: health, ms } = await timed(() => app.request('/api/health'));
    const text = await health.text();
    expect(health.status, text).toBe(503);
    expect(ms).toBeLessThan(HEALTH_DEADLINE_MS);
    expect(health.headers.get('cache-control')).toBe('no-store');
    expect(JSON.parse(text)).toMatchObject({
      status: 'unavailable',
      checks: { database: { status: 'down' } },
    });
    expectNoInternals(text);

    const { result: live, roundTrips } = await app.countRoundTrips(() => app.request('/api/health/live'));
    expect(live.status).toBe(200);
    expect(roundTrips).toBe(0);
  });

  it('recovers at once when the endpoint answers again', async () => {
    app.endpoint.setFaults({ refuse: true }, app.database.name);
    expect((await send('GET', `/api/workshops/${workshopId}`)).status).toBe(503);
    app.endpoint.clearFaults(app.database.name);
    expect((await send('GET', `/api/workshops/${workshopId}`)).status).toBe(200);
    expect((await app.request('/api/health')).status).toBe(200);
  });
});

describe('a slow first request (a compute waking up) below the bound succeeds', () => {
  it(`GET a workshop with firstRequestDelayMs 500 < DB_TIMEOUT_MS ${DB_TIMEOUT_MS} → 200 [timeout is a bound, not a guess]`, async () => {
    app.endpoint.setFaults({ firstRequestDelayMs: 500 }, app.database.name);
    const { result, ms } = await timed(() => send('GET', `/api/workshops/${workshopId}`));
    expect(result.status, await result.clone().text()).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(450);
  });

  it('POST /api/workshops with firstRequestDelayMs 500 → 201, written once', async () => {
    const userId = 'user_faults_slow_create';
    app.endpoint.setFaults({ firstRequestDelayMs: 500 }, app.database.name);
    const { result, ms } = await timed(() =>
      send('POST', '/api/workshops', { originalIdea: 'Slow' }, {}, userId),
    );
    expect(result.status, await result.clone().text()).toBe(201);
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(await count(app, 'select count(*) from workshops where clerk_user_id = $1', [userId])).toBe(1);
  });

  it(`/api/health with firstRequestDelayMs 150 < HEALTH_TIMEOUT_MS ${HEALTH_TIMEOUT_MS} → 200`, async () => {
    app.endpoint.setFaults({ firstRequestDelayMs: 150 }, app.database.name);
    const response = await app.request('/api/health');
    expect(response.status, await response.clone().text()).toBe(200);
  });
});

describe('retries', () => {
  /** Which requests may be repeated: reads, PUT, /complete, and POSTs with an Idempotency-Key. */
  const CASES = (): readonly (readonly [string, boolean, string, string, unknown?, Headers?])[] => [
    ['GET a workshop', true, 'GET', `/api/workshops/${workshopId}`],
    ['GET /api/workshops', true, 'GET', '/api/workshops'],
    [
      'PUT a step output',
      true,
      'PUT',
      `/api/workshops/${workshopId}/steps/challenge/output`,
      { output: { retried: true } },
    ],
    ['POST …/complete', true, 'POST', `/api/workshops/${workshopId}/steps/challenge/complete`, { by: 'ai' }],
    [
      'POST /api/workshops with an Idempotency-Key',
      true,
      'POST',
      '/api/workshops',
      { originalIdea: 'Keyed' },
      { 'Idempotency-Key': `retry-${crypto.randomUUID()}` },
    ],
    [
      'POST …/build-packs with an Idempotency-Key',
      true,
      'POST',
      `/api/workshops/${workshopId}/build-packs`,
      { format: 'json' },
      { 'Idempotency-Key': `retry-${crypto.randomUUID()}` },
    ],
    [
      'POST /api/workshops without an Idempotency-Key',
      false,
      'POST',
      '/api/workshops',
      { originalIdea: 'x' },
    ],
    [
      'POST …/build-packs without an Idempotency-Key',
      false,
      'POST',
      `/api/workshops/${workshopId}/build-packs`,
      { format: 'json' },
    ],
    ['PATCH a workshop', false, 'PATCH', `/api/workshops/${workshopId}`, { title: 'Patched' }],
    ['DELETE a build pack', false, 'DELETE', `/api/workshops/${workshopId}/build-packs/${packId}`],
  ];

  it('with the endpoint refusing throughout: safe requests are tried 3 times, unsafe ones exactly once', async () => {
    app.endpoint.setFaults({ refuse: true }, app.database.name);
    const attempts: Record<string, number> = {};
    const expected: Record<string, number> = {};
    for (const [label, safe, method, path, body, headers] of CASES()) {
      const { result, roundTrips } = await app.countRoundTrips(() => send(method, path, body, headers));
      expect(result.status, label).toBe(503);
      attempts[label] = roundTrips;
      expected[label] = safe ? 3 : 1;
    }
    expect(attempts).toEqual(expected);
  });

  it('a GET refused once is retried and succeeds: the client never sees the hiccup', async () => {
    refuseNextRequest();
    const { result, received, served } = await traffic(() => send('GET', `/api/workshops/${workshopId}`));
    expect(result.status, await result.clone().text()).toBe(200);
    expect(received).toBe(2);
    expect(served).toBe(1);
  });

  it('a PUT of a step output refused once is retried and succeeds', async () => {
    refuseNextRequest();
    const { result: response, received } = await traffic(() =>
      send('PUT', `/api/workshops/${workshopId}/steps/challenge/output`, { output: { afterHiccup: true } }),
    );
    expect(response.status, await response.clone().text()).toBe(200);
    expect(received).toBe(2);
  });

  it('a POST create WITHOUT Idempotency-Key refused once is NOT retried: 503, the endpoint saw exactly 1 request, nothing written [no blind retry of creates]', async () => {
    const userId = 'user_faults_unkeyed';
    const before = await fingerprint(app);
    refuseNextRequest();
    const { result, received, served } = await traffic(() =>
      send('POST', '/api/workshops', { originalIdea: 'Not retried' }, {}, userId),
    );
    await expectUnavailable(result);
    expect(received).toBe(1);
    expect(served).toBe(0);
    expect(await fingerprint(app)).toEqual(before);
  });

  it('a POST create WITH Idempotency-Key refused once is retried: 201, one workshop, and a replay gives the same id', async () => {
    const userId = 'user_faults_keyed';
    const key = { 'Idempotency-Key': 'hiccup-1' };
    refuseNextRequest();
    const { result: response, received } = await traffic(() =>
      send('POST', '/api/workshops', { originalIdea: 'Retried' }, key, userId),
    );
    const text = await response.text();
    expect(response.status, text).toBe(201);
    expect(received).toBe(2);
    const replay = await send('POST', '/api/workshops', { originalIdea: 'Retried' }, key, userId);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replay.json()) as { id: string }).id).toBe((JSON.parse(text) as { id: string }).id);
    expect(await count(app, 'select count(*) from workshops where clerk_user_id = $1', [userId])).toBe(1);
  });

  it('a POST build pack: without a key refused once → 503 after 1 request; with a key → 201 after 2', async () => {
    const packs = () => count(app, 'select count(*) from build_packs where workshop_id = $1', [workshopId]);
    const before = await packs();
    refuseNextRequest();
    const unkeyed = await traffic(() =>
      send('POST', `/api/workshops/${workshopId}/build-packs`, { format: 'pdf' }),
    );
    await expectUnavailable(unkeyed.result);
    expect(unkeyed.received).toBe(1);
    expect(await packs()).toBe(before);

    refuseNextRequest();
    const keyed = await traffic(() =>
      send(
        'POST',
        `/api/workshops/${workshopId}/build-packs`,
        { format: 'pdf' },
        { 'Idempotency-Key': 'pack-hiccup' },
      ),
    );
    expect(keyed.result.status, await keyed.result.clone().text()).toBe(201);
    expect(keyed.received).toBe(2);
    expect(await packs()).toBe(before + 1);
  });
});

describe('the database committed but its answer was lost (connection reset after the commit)', () => {
  const ownedBy = (userId: string) =>
    count(app, 'select count(*) from workshops where clerk_user_id = $1', [userId]);

  it('POST /api/workshops with an Idempotency-Key is retried and replayed: 201, one workshop [key makes the retry safe]', async () => {
    const userId = 'user_faults_lost_keyed';
    loseNextAnswer();
    const { result: response, received } = await traffic(() =>
      send(
        'POST',
        '/api/workshops',
        { originalIdea: 'Answer lost' },
        { 'Idempotency-Key': 'lost-answer' },
        userId,
      ),
    );
    const text = await response.text();
    expect(response.status, text).toBe(201);
    expect(received).toBe(2);
    const [row] = await rows<{ id: string }>(app, 'select id from workshops where clerk_user_id = $1', [
      userId,
    ]);
    expect((JSON.parse(text) as { id: string }).id).toBe(row?.id);
    expect(await ownedBy(userId)).toBe(1);
  });

  it('POST …/build-packs with an Idempotency-Key is retried and replayed: 201, one pack [key makes the retry safe]', async () => {
    const target = await createWorkshop(owner, 'Lost pack answer');
    loseNextAnswer();
    const { result: response, received } = await traffic(() =>
      send(
        'POST',
        `/api/workshops/${target}/build-packs`,
        { format: 'json' },
        { 'Idempotency-Key': 'lost-pack' },
      ),
    );
    expect(response.status, await response.clone().text()).toBe(201);
    expect(received).toBe(2);
    expect(await count(app, 'select count(*) from build_packs where workshop_id = $1', [target])).toBe(1);
  });

  it('POST /api/workshops without a key is not retried: 503, and the one committed workshop is not duplicated [no blind retry of creates]', async () => {
    const userId = 'user_faults_lost_unkeyed';
    loseNextAnswer();
    const { result, received } = await traffic(() =>
      send('POST', '/api/workshops', { originalIdea: 'Answer lost' }, {}, userId),
    );
    await expectUnavailable(result);
    expect(received).toBe(1);
    // The 503 is honest about the outcome being unknown: the create did commit, once.
    expect(await ownedBy(userId)).toBe(1);
  });

  it('POST …/complete is retried and answers 200: completing twice changes nothing', async () => {
    const target = await createWorkshop('user_faults_lost_complete', 'Complete once');
    loseNextAnswer();
    const response = await send(
      'POST',
      `/api/workshops/${target}/steps/challenge/complete`,
      { by: 'ai' },
      {},
      'user_faults_lost_complete',
    );
    expect(response.status, await response.clone().text()).toBe(200);
    expect(((await response.json()) as { status: string }).status).toBe('complete');
  });

  it('PUT a step output with If-Match naming the current version: the applied write is not answered 412 [a conditional write must not be retried blindly]', async () => {
    const userId = 'user_faults_lost_ifmatch';
    const target = await createWorkshop(userId, 'Conditional write');
    const path = `/api/workshops/${target}/steps/challenge/output`;
    const first = await send('PUT', path, { output: { version: 1 } }, {}, userId);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag') ?? '';

    loseNextAnswer();
    const response = await send('PUT', path, { output: { version: 2 } }, { 'If-Match': etag }, userId);
    const text = await response.text();
    const [stored] = await rows<{ output: unknown }>(
      app,
      "select output from workshop_steps where workshop_id = $1 and step_id = 'challenge'",
      [target],
    );
    // The client's write was applied exactly once, and nobody else wrote: telling it "the step changed
    // since you read it" (412) is false. 200 (it worked) or 503 (unknown, as without a retry) are true.
    expect(stored?.output).toEqual({ version: 2 });
    expect([200, 503], text).toContain(response.status);
  });

  it('PUT a member is retried: a 2xx and exactly one membership', async () => {
    loseNextAnswer();
    const response = await send('PUT', `/api/workshops/${workshopId}/members/user_faults_lost_member`, {
      role: 'viewer',
    });
    expect([200, 201], await response.clone().text()).toContain(response.status);
    expect(
      await count(
        app,
        'select count(*) from workshop_members where workshop_id = $1 and clerk_user_id = $2',
        [workshopId, 'user_faults_lost_member'],
      ),
    ).toBe(1);
  });

  it('PUT share (rotation) is retried: the token answered is the one stored, and its link works', async () => {
    loseNextAnswer();
    const response = await send('PUT', `/api/workshops/${workshopId}/share`);
    const text = await response.text();
    expect(response.status, text).toBe(200);
    const { shareToken } = JSON.parse(text) as { shareToken: string };
    const [row] = await rows<{ share_token: string }>(
      app,
      'select share_token from workshops where id = $1',
      [workshopId],
    );
    expect(row?.share_token).toBe(shareToken);
    expect((await app.request(`/api/shared/${shareToken}`)).status).toBe(200);
  });
});

/** Runs `request` with a failure injected into statements matching `pattern`; expects a clean 5xx. */
async function withFailingStatement(pattern: string, request: () => Promise<Response>): Promise<void> {
  app.endpoint.setFaults({ failQuery: { pattern } }, app.database.name);
  let response: Response;
  try {
    response = await request();
  } finally {
    app.endpoint.clearFaults(app.database.name);
  }
  const text = await response.text();
  // A 5xx proves the pattern hit a statement of the batch; a 2xx would mean the test tested nothing.
  expect(response.status, `/${pattern}/ → ${text}`).toBeGreaterThanOrEqual(500);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(['internal_error', 'database_unavailable']).toContain((JSON.parse(text) as { code: string }).code);
  expectNoInternals(text);
}

describe('a failure injected into each statement of a multi-statement write leaves no partial write', () => {
  // In batch order; each pattern matches its own statement and no earlier one.
  const CREATE_WORKSHOP_STATEMENTS: readonly (readonly [string, string])[] = [
    ['1 the Idempotency-Key lock and sweep', 'with swept as'],
    ['2 the cap lock', '^select pg_advisory_xact_lock'],
    ['3 the workshop, owner, ten steps and the remembered key (one statement)', '^\\s*with owned as'],
    ['4 the read-back of the new workshop', 'where w\\.id = \\$\\d+\\s*$'],
    ['5 recalling the key', '^select request_hash'],
    ['6 the read-back of a replayed workshop', 'where w\\.id = \\(select resource_id'],
  ];

  it.each(CREATE_WORKSHOP_STATEMENTS)(
    'create workshop with an Idempotency-Key, statement %s fails → nothing written, and the same key then creates it [batch = one transaction]',
    async (label, pattern) => {
      const userId = `user_faults_cw_${label.split(' ')[0]}`;
      const key = { 'Idempotency-Key': `atomic-${label.split(' ')[0]}` };
      const body = { originalIdea: `Atomic ${label}` };
      const before = await fingerprint(app);
      await withFailingStatement(pattern, () => send('POST', '/api/workshops', body, key, userId));
      expect(await fingerprint(app)).toEqual(before);

      const retry = await send('POST', '/api/workshops', body, key, userId);
      expect(retry.status, await retry.clone().text()).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBeNull();
      expect(
        await count(
          app,
          `select count(*) from workshop_steps s join workshops w on w.id = s.workshop_id
            where w.clerk_user_id = $1`,
          [userId],
        ),
      ).toBe(10);
    },
  );

  const CREATE_PACK_STATEMENTS: readonly (readonly [string, string, boolean])[] = [
    ['1 the Idempotency-Key lock and sweep', 'with swept as', true],
    ['1 the placeholder for the lock (no key)', '^select 0 as held$', false],
    ['2 the per-workshop pack lock', '^select pg_advisory_xact_lock', true],
    ['2 the per-workshop pack lock (no key)', '^select pg_advisory_xact_lock', false],
    ['3 insert into build_packs', 'insert into build_packs', true],
    ['4 remembering the key', '^insert into idempotency_keys', true],
    ['4 remembering the key (no key: a no-op insert)', '^insert into idempotency_keys', false],
    ['5 recalling the key', '^select request_hash', true],
    [
      '6 the read-back of a replayed pack',
      'from build_packs b\\s+where b\\.id = \\(select resource_id',
      true,
    ],
    [
      '6 the read-back of a replayed pack (no key)',
      'from build_packs b\\s+where b\\.id = \\(select resource_id',
      false,
    ],
  ];

  it.each(CREATE_PACK_STATEMENTS)(
    'create build pack, statement %s fails (keyed: %s) → no pack, no key [batch = one transaction]',
    async (label, pattern, keyed) => {
      const headers: Headers = keyed
        ? { 'Idempotency-Key': `pack-atomic-${label.split(' ')[0]}-${keyed}` }
        : {};
      const before = await fingerprint(app);
      await withFailingStatement(pattern, () =>
        send('POST', `/api/workshops/${workshopId}/build-packs`, { format: 'json', title: label }, headers),
      );
      expect(await fingerprint(app)).toEqual(before);
      const retry = await send(
        'POST',
        `/api/workshops/${workshopId}/build-packs`,
        { format: 'json', title: label },
        headers,
      );
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBeNull();
    },
  );

  const MEMBER_STATEMENTS: readonly (readonly [string, string])[] = [
    ['1 the membership lock', '^select pg_advisory_xact_lock'],
    ['2 the guarded upsert or delete', 'with access as'],
  ];

  it.each(MEMBER_STATEMENTS)(
    'member PUT and DELETE, statement %s fails → memberships and the workshop unchanged',
    async (_, pattern) => {
      const guest = 'user_faults_guest';
      const before = await fingerprint(app);
      await withFailingStatement(pattern, () =>
        send('PUT', `/api/workshops/${workshopId}/members/${guest}`, { role: 'editor' }),
      );
      expect(await fingerprint(app)).toEqual(before);

      expect(
        (await send('PUT', `/api/workshops/${workshopId}/members/${guest}`, { role: 'viewer' })).status,
      ).toBe(201);
      const withGuest = await fingerprint(app);
      await withFailingStatement(pattern, () =>
        send('DELETE', `/api/workshops/${workshopId}/members/${guest}`),
      );
      expect(await fingerprint(app)).toEqual(withGuest);
      expect((await send('DELETE', `/api/workshops/${workshopId}/members/${guest}`)).status).toBe(204);
    },
  );
});

// Last: a stalled request the app gave up on may still reach Postgres once the stall clears.
describe('the database stalling', () => {
  it(`every route class answers 503 database_unavailable within DB_TIMEOUT_MS (${DB_TIMEOUT_MS} ms → < ${ROUTE_DEADLINE_MS} ms)`, async () => {
    app.endpoint.setFaults({ stall: true }, app.database.name);
    // All at once: each must be bounded by its own deadline, not by the others.
    const outcomes = await Promise.all(
      ROUTE_CLASSES().map(async ([label, method, path, body]) => ({
        label,
        ...(await timed(() =>
          send(method, path, body, {}, method === 'POST' ? 'user_faults_stalled' : owner),
        )),
      })),
    );
    for (const { label, result, ms } of outcomes) {
      expect(result.status, label).toBe(503);
      await expectUnavailable(result);
      // It waited for the bound (a stall, not a refusal) and not much longer.
      expect(ms, label).toBeGreaterThanOrEqual(DB_TIMEOUT_MS - 50);
      expect(ms, label).toBeLessThan(ROUTE_DEADLINE_MS);
    }
  });

  it('/api/health answers 503 within HEALTH_TIMEOUT_MS while /api/health/live stays 200 at once', async () => {
    app.endpoint.setFaults({ stall: true }, app.database.name);
    const [health, live] = await Promise.all([
      timed(() => app.request('/api/health')),
      timed(() => app.request('/api/health/live')),
    ]);
    const text = await health.result.text();
    expect(health.result.status, text).toBe(503);
    expect(JSON.parse(text)).toMatchObject({
      status: 'unavailable',
      checks: { database: { status: 'down' } },
    });
    expect(health.ms).toBeGreaterThanOrEqual(HEALTH_TIMEOUT_MS - 50);
    expect(health.ms).toBeLessThan(HEALTH_DEADLINE_MS);
    expect(live.result.status).toBe(200);
    expect(live.ms).toBeLessThan(HEALTH_TIMEOUT_MS);
  });

  it('many stalled requests at once all answer within the bound (no queueing behind the stall)', async () => {
    app.endpoint.setFaults({ stall: true }, app.database.name);
    const { result, ms } = await timed(() =>
      Promise.all(Array.from({ length: 30 }, () => send('GET', `/api/workshops/${workshopId}`))),
    );
    expect(result.map((response) => response.status)).toEqual(Array(30).fill(503));
    expect(ms).toBeLessThan(ROUTE_DEADLINE_MS);
    await Promise.all(result.map((response) => response.body?.cancel()));
  });
});

describe('the per-request deadline', () => {
  const pendingTimers = () =>
    process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

  it('ends with the request: no timer is left behind to fire later', async () => {
    await send('GET', `/api/workshops/${workshopId}`);
    const before = pendingTimers();
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await send('GET', `/api/workshops/${workshopId}`)).status).toBe(200);
      expect((await send('GET', '/api/workshops/ws_missing')).status).toBe(404);
    }
    expect(pendingTimers()).toBeLessThanOrEqual(before);
  });
});

describe('after the faults', () => {
  it('the fixture is intact and every route works again', async () => {
    const response = await send('GET', `/api/workshops/${workshopId}`);
    expect(response.status).toBe(200);
    const [row] = await rows<{ n: number }>(
      app,
      'select count(*)::int as n from workshop_steps where workshop_id = $1',
      [workshopId],
    );
    expect(row?.n).toBe(10);
  });
});
