import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NeonDbError, type NeonQueryFunction, neon, neonConfig } from '@neondatabase/serverless';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/neon-http';
import { integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalPostgres, startLocalPostgres } from '../../scripts/local-stack/postgres';
import { type SqlEndpoint, startSqlEndpoint } from '../../scripts/local-stack/sql-endpoint';

const notes = pgTable('notes', {
  id: serial('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  body: jsonb('body'),
  tags: text('tags').array(),
  rating: integer('rating'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

const CREATE_NOTES = `CREATE TABLE notes (
  id serial PRIMARY KEY,
  slug text NOT NULL CONSTRAINT notes_slug_unique UNIQUE,
  body jsonb,
  tags text[],
  rating integer,
  created_at timestamptz NOT NULL DEFAULT now()
)`;

const DATABASE_A = 'endpoint_a';
const DATABASE_B = 'endpoint_b';

let postgres: LocalPostgres;
let endpoint: SqlEndpoint;
let sqlA: NeonQueryFunction<false, false>;
let sqlB: NeonQueryFunction<false, false>;
let db: ReturnType<typeof drizzle>;

beforeAll(async () => {
  postgres = await startLocalPostgres({
    dataDir: mkdtempSync(join(tmpdir(), 'sql-endpoint-test-')),
    ephemeral: true,
  });
  await postgres.createDatabase(DATABASE_A);
  await postgres.createDatabase(DATABASE_B);
  endpoint = await startSqlEndpoint();
  neonConfig.fetchEndpoint = endpoint.url;
  sqlA = neon(postgres.url(DATABASE_A));
  sqlB = neon(postgres.url(DATABASE_B));
  db = drizzle({ client: sqlA });
  await sqlA.query(CREATE_NOTES);
  await sqlB.query(CREATE_NOTES);
});

afterAll(async () => {
  await endpoint?.close();
  await postgres?.stop();
});

beforeEach(() => endpoint.resetCounts());
afterEach(() => {
  endpoint.clearFaults();
  endpoint.stopStatementLog(DATABASE_A);
  endpoint.stopStatementLog(DATABASE_B);
});

/** Drizzle wraps driver errors; the NeonDbError is down the `cause` chain. */
function neonError(error: unknown): NeonDbError {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current instanceof NeonDbError) return current;
  }
  throw new Error(`no NeonDbError in ${String(error)}`);
}

async function failure(promise: Promise<unknown>): Promise<NeonDbError> {
  try {
    await promise;
  } catch (error) {
    return neonError(error);
  }
  throw new Error('expected the promise to reject');
}

async function elapsedMs(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** Resolves once the endpoint has received `count` requests; no timing assumption. */
async function untilReceived(count: number, target = endpoint): Promise<void> {
  while (target.requestCount() < count) await sleep(5);
}

/**
 * The driver's query promises are lazy thenables that send the query again on every `then`; wrapping
 * one in a real promise sends it exactly once.
 */
function tracked<T>(query: PromiseLike<T>) {
  const promise = Promise.resolve(query);
  const state = { settled: false, promise };
  promise.then(
    () => {
      state.settled = true;
    },
    () => {
      state.settled = true;
    },
  );
  return state;
}

// Timers may fire up to a millisecond or so early relative to performance.now().
const TIMER_SLACK_MS = 5;

describe('queries through the driver', () => {
  it('selects with parameters', async () => {
    const rows = await sqlA.query('SELECT $1::int + $2::int AS sum, $3::text AS label, $4::bigint AS big', [
      2,
      3,
      'x',
      '9007199254740993',
    ]);
    expect(rows).toEqual([{ sum: 5, label: 'x', big: '9007199254740993' }]);
    expect(await sqlA`SELECT ${'tagged'} AS value`).toEqual([{ value: 'tagged' }]);
  });

  it('inserts and returns rows, with jsonb, timestamptz, arrays and NULLs', async () => {
    const body = {
      nested: { list: [1, 'ü', '😀', null, { deep: true }] },
      ключ: 'значение',
      quote: 'he said "hi" \\',
    };
    const createdAt = new Date('2024-02-29T12:34:56.789Z');
    const tags = ['a', 'b c', 'with,comma', 'quote"d', 'back\\slash', '', 'NULL'];
    const [inserted] = await db
      .insert(notes)
      .values({ slug: 'round-trip', body, tags, createdAt })
      .returning();
    expect(inserted).toMatchObject({ slug: 'round-trip', body, tags, rating: null });
    expect(inserted?.createdAt).toBeInstanceOf(Date);
    expect(inserted?.createdAt.toISOString()).toBe(createdAt.toISOString());

    const [selected] = await db.select().from(notes).where(eq(notes.slug, 'round-trip'));
    expect(selected).toEqual(inserted);

    const [nulls] = await db.insert(notes).values({ slug: 'nulls', body: null, tags: null }).returning();
    expect(nulls).toMatchObject({ body: null, tags: null, rating: null });
    expect(await sqlA`SELECT ARRAY[1, NULL, 3]::int[] AS ints, NULL::text AS nothing`).toEqual([
      { ints: [1, null, 3], nothing: null },
    ]);
  });

  it('updates and deletes with returning, and runs data-modifying CTEs', async () => {
    await db.insert(notes).values([{ slug: 'cte-1' }, { slug: 'cte-2' }]);
    const updated = await db
      .update(notes)
      .set({ rating: 5 })
      .where(sql`${notes.slug} like 'cte-%'`)
      .returning({ slug: notes.slug, rating: notes.rating });
    expect(updated).toHaveLength(2);
    expect(updated.every((row) => row.rating === 5)).toBe(true);

    const inserted = db.$with('inserted').as(db.insert(notes).values({ slug: 'cte-3' }).returning());
    const [count] = await db.with(inserted).select({ count: sql<number>`count(*)::int` }).from(inserted);
    expect(count).toEqual({ count: 1 });

    const deleted = await db.delete(notes).where(sql`${notes.slug} like 'cte-%'`).returning({ id: notes.id });
    expect(deleted).toHaveLength(3);
  });

  it('reports command, rowCount and fields as the driver expects', async () => {
    await db.insert(notes).values([{ slug: 'count-1' }, { slug: 'count-2' }]);
    const result = await sqlA.query("UPDATE notes SET rating = 1 WHERE slug LIKE 'count-%'", [], {
      fullResults: true,
    });
    expect(result).toMatchObject({ command: 'UPDATE', rowCount: 2, fields: [] });
    const selected = await sqlA.query('SELECT slug FROM notes WHERE slug = $1', ['count-1'], {
      fullResults: true,
    });
    expect(selected.command).toBe('SELECT');
    expect(selected.rowCount).toBe(1);
    expect(selected.fields).toEqual([
      expect.objectContaining({
        name: 'slug',
        dataTypeID: 25,
        columnID: 2,
        dataTypeModifier: -1,
        format: 'text',
      }),
    ]);
    expect(selected.fields[0]?.tableID).toBeGreaterThan(0);
  });

  it('turns a unique violation into a NeonDbError with code and constraint', async () => {
    await db.insert(notes).values({ slug: 'unique' });
    const error = await failure(db.insert(notes).values({ slug: 'unique' }));
    expect(error).toMatchObject({
      name: 'NeonDbError',
      code: '23505',
      constraint: 'notes_slug_unique',
      table: 'notes',
      schema: 'public',
      severity: 'ERROR',
    });
    expect(error.message).toMatch(/duplicate key value violates unique constraint/);
    expect(error.detail).toMatch(/\(slug\)=\(unique\)/);
    expect(error.hint).toBeUndefined();
  });

  it('rejects a string holding several statements, as Neon does', async () => {
    const error = await failure(sqlA.query('SELECT 1; SELECT 2'));
    expect(error.code).toBe('42601');
    expect(error.message).toMatch(/multiple commands/);
  });

  it('answers a Postgres it cannot connect to with a server error, not a Postgres error', async () => {
    const missingDatabase = neon(postgres.url('no_such_database'));
    const error = await failure(missingDatabase`SELECT 1`);
    expect(error.message).toMatch(/HTTP status 500.*no_such_database/);
    expect(error.code).toBeUndefined();
    const closedPort = neon('postgresql://postgres:secret@127.0.0.1:1/endpoint_a');
    expect((await failure(closedPort`SELECT 1`)).message).toMatch(/HTTP status 500.*ECONNREFUSED/);
  });

  it('answers concurrent requests beyond the pool size', async () => {
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, index) => sqlA.query('SELECT $1::int AS n, pg_sleep(0.01)', [index])),
    );
    expect(answers.map((rows) => rows[0]?.n)).toEqual(Array.from({ length: 60 }, (_, index) => index));
  });

  it('answers a response over 10 MiB with 507', async () => {
    const error = await failure(sqlA`SELECT repeat('x', 11 * 1024 * 1024) AS big`);
    expect(error.message).toMatch(/HTTP status 507/);
    expect(error.code).toBeUndefined();
  });
});

describe('batches', () => {
  it('commits every statement of a batch in one request', async () => {
    const [first, second, count] = await db.batch([
      db.insert(notes).values({ slug: 'batch-1' }).returning({ slug: notes.slug }),
      db.insert(notes).values({ slug: 'batch-2' }).returning({ slug: notes.slug }),
      db.select({ count: sql<number>`count(*)::int` }).from(notes).where(sql`${notes.slug} like 'batch-%'`),
    ]);
    expect(first).toEqual([{ slug: 'batch-1' }]);
    expect(second).toEqual([{ slug: 'batch-2' }]);
    expect(count).toEqual([{ count: 2 }]);
    expect(endpoint.requestCount()).toBe(1);
  });

  it('rolls the whole batch back when its second statement fails', async () => {
    await db.insert(notes).values({ slug: 'taken' });
    const error = await failure(
      db.batch([
        db.insert(notes).values({ slug: 'rolled-back' }),
        db.insert(notes).values({ slug: 'taken' }),
      ]),
    );
    expect(error.code).toBe('23505');
    expect(await db.select().from(notes).where(eq(notes.slug, 'rolled-back'))).toEqual([]);
  });

  it('honours the isolation level, read-only and deferrable settings', async () => {
    const [isolation, readOnly, deferrable] = await sqlA.transaction(
      [sqlA`SHOW transaction_isolation`, sqlA`SHOW transaction_read_only`, sqlA`SHOW transaction_deferrable`],
      { isolationLevel: 'Serializable', readOnly: true, deferrable: true },
    );
    expect([isolation, readOnly, deferrable]).toEqual([
      [{ transaction_isolation: 'serializable' }],
      [{ transaction_read_only: 'on' }],
      [{ transaction_deferrable: 'on' }],
    ]);
    const [defaults] = await sqlA.transaction([sqlA`SHOW transaction_isolation`]);
    expect(defaults).toEqual([{ transaction_isolation: 'read committed' }]);
  });
});

describe('the HTTP protocol', () => {
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(endpoint.url, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'Neon-Connection-String': postgres.url(DATABASE_A), ...headers },
    });

  it('answers objects and JSON values without Neon-Array-Mode and Neon-Raw-Text-Output', async () => {
    const response = await post({
      query: `SELECT 1::int AS n, true AS b, '{"k":[1]}'::jsonb AS j, ARRAY['x','y'] AS a, 2.5::float8 AS f, 'NaN'::float8 AS nan, now() AS t`,
      params: [],
    });
    expect(response.status).toBe(200);
    const result = (await response.json()) as { rowAsArray: boolean; rows: Record<string, unknown>[] };
    expect(result.rowAsArray).toBe(false);
    expect(result.rows[0]).toMatchObject({ n: 1, b: true, j: { k: [1] }, a: ['x', 'y'], f: 2.5, nan: 'NaN' });
    expect(typeof result.rows[0]?.t).toBe('string');
  });

  it('answers Postgres errors with every error field, null when absent', async () => {
    const response = await post({ query: 'SELECT * FROM missing_table', params: [] });
    expect(response.status).toBe(400);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      code: '42P01',
      severity: 'ERROR',
      position: '15',
      constraint: null,
      hint: null,
    });
    expect(Object.keys(body).sort()).toEqual(
      [
        'message',
        'code',
        'detail',
        'hint',
        'position',
        'internalPosition',
        'internalQuery',
        'severity',
        'where',
        'table',
        'column',
        'schema',
        'dataType',
        'constraint',
        'file',
        'line',
        'routine',
      ].sort(),
    );
  });

  it('rejects an unknown isolation level and a missing connection string with 400', async () => {
    const badLevel = await post({ queries: [] }, { 'Neon-Batch-Isolation-Level': 'Chaos' });
    expect(badLevel.status).toBe(400);
    const noConnection = await fetch(endpoint.url, { method: 'POST', body: '{"query":"SELECT 1"}' });
    expect(noConnection.status).toBe(400);
  });
});

describe('faults', () => {
  it('delays every request by at least delayMs', async () => {
    endpoint.setFaults({ delayMs: 250 });
    for (let attempt = 0; attempt < 2; attempt++) {
      expect(await elapsedMs(() => sqlA`SELECT 1`)).toBeGreaterThanOrEqual(250 - TIMER_SLACK_MS);
    }
  });

  it('delays only the next request by firstRequestDelayMs', async () => {
    endpoint.setFaults({ firstRequestDelayMs: 1000 });
    const start = performance.now();
    const waking = tracked(sqlA`SELECT 'waking' AS state`);
    await untilReceived(1);
    expect(await sqlA`SELECT 'awake' AS state`).toEqual([{ state: 'awake' }]);
    expect(waking.settled).toBe(false);
    expect(await waking.promise).toEqual([{ state: 'waking' }]);
    expect(performance.now() - start).toBeGreaterThanOrEqual(1000 - TIMER_SLACK_MS);
  });

  it('refuses connections: the driver reports it could not connect', async () => {
    endpoint.setFaults({ refuse: true });
    const error = await failure(sqlA`SELECT 1`);
    expect(error.message).toMatch(/Error connecting to database/);
    expect(error.code).toBeUndefined();
    endpoint.clearFaults();
    expect(await sqlA`SELECT 1 AS one`).toEqual([{ one: 1 }]);
  });

  it('stalls requests until the stall is cleared', async () => {
    endpoint.setFaults({ stall: true });
    const stalled = tracked(sqlA`SELECT 'released' AS state`);
    await untilReceived(1);
    await sleep(200);
    expect(stalled.settled).toBe(false);
    endpoint.clearFaults();
    expect(await stalled.promise).toEqual([{ state: 'released' }]);
  });

  it('fails a matching statement like Postgres, rolling back its batch', async () => {
    endpoint.setFaults({
      failQuery: { pattern: 'pg_sleep\\(0\\.01\\)', code: '57P01', message: 'terminating connection' },
    });
    const error = await failure(
      db.batch([db.insert(notes).values({ slug: 'fault-victim' }), db.execute(sql`SELECT pg_sleep(0.01)`)]),
    );
    expect(error).toMatchObject({ code: '57P01', message: 'terminating connection', severity: 'ERROR' });
    endpoint.clearFaults();
    expect(await db.select().from(notes).where(eq(notes.slug, 'fault-victim'))).toEqual([]);

    endpoint.setFaults({ failQuery: { pattern: '^select 42' } });
    expect((await failure(sqlA.query('select 42'))).code).toBe('XX000');
    expect(await sqlA.query('SELECT 42 AS answer')).toEqual([{ answer: 42 }]);
  });

  it('holds the body back by slowBodyMs after sending the headers: an abort mid-body escapes the driver as a bare DOMException, not a NeonDbError', async () => {
    endpoint.setFaults({ slowBodyMs: 60_000 });
    const controller = new AbortController();
    const reason = new DOMException('deadline', 'TimeoutError');
    // The driver's own fetch tells us when its headers arrived, so the abort lands mid-body for certain.
    let headersArrived: () => void = () => {};
    const headers = new Promise<void>((resolve) => {
      headersArrived = resolve;
    });
    const sqlWithSignal = neon(postgres.url(DATABASE_A), { fetchOptions: { signal: controller.signal } });
    const previousFetch = neonConfig.fetchFunction;
    neonConfig.fetchFunction = async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await fetch(input, init);
      headersArrived();
      return response;
    };
    try {
      const query = tracked(sqlWithSignal`SELECT 'held' AS state`);
      await headers;
      expect(query.settled).toBe(false);
      controller.abort(reason);
      // The driver reads the body outside the try/catch that makes NeonDbErrors (1.2.0): callers must
      // not rely on the error's class to tell a deadline from a bug.
      const error = await query.promise.then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(DOMException);
      expect(error).not.toBeInstanceOf(NeonDbError);
    } finally {
      neonConfig.fetchFunction = previousFetch;
    }
  });

  it('cuts the answer after its first bytes with cutBody: the reset escapes the driver unwrapped', async () => {
    endpoint.setFaults({ cutBody: true });
    const error = await sqlA`SELECT repeat('x', 10000) AS long`.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(NeonDbError);
    endpoint.clearFaults();
    expect(await sqlA`SELECT 1 AS one`).toEqual([{ one: 1 }]);
  });

  it('scopes faults to the database the connection string names', async () => {
    endpoint.setFaults({ refuse: true }, DATABASE_B);
    expect(await sqlA`SELECT 'a' AS db`).toEqual([{ db: 'a' }]);
    expect((await failure(sqlB`SELECT 'b' AS db`)).message).toMatch(/Error connecting to database/);
    endpoint.clearFaults(DATABASE_B);
    expect(await sqlB`SELECT 'b' AS db`).toEqual([{ db: 'b' }]);
  });
});

describe('count-limited faults', () => {
  const outcomes = (queries: Promise<unknown>[]) =>
    Promise.all(
      queries.map((query) =>
        query.then(
          () => 'answered',
          () => 'refused',
        ),
      ),
    );

  it('refuses exactly the next `times` requests of the database, even when they arrive together, then answers', async () => {
    endpoint.setFaults({ refuse: true, times: 2 }, DATABASE_A);
    expect(await sqlB`SELECT 'b' AS db`).toEqual([{ db: 'b' }]);
    const results = await outcomes(Array.from({ length: 5 }, () => Promise.resolve(sqlA`SELECT 1`)));
    expect(results.filter((result) => result === 'refused')).toHaveLength(2);
    expect(results.filter((result) => result === 'answered')).toHaveLength(3);
    expect(await sqlA`SELECT 'a' AS db`).toEqual([{ db: 'a' }]);
    expect(endpoint.requestCount(DATABASE_A)).toBe(6);
  });

  it('without a database, counts the requests of every database against one limit', async () => {
    endpoint.setFaults({ refuse: true, times: 1 });
    expect((await failure(sqlB`SELECT 1`)).message).toMatch(/Error connecting to database/);
    expect(await sqlA`SELECT 'a' AS db`).toEqual([{ db: 'a' }]);
    expect(await sqlB`SELECT 'b' AS db`).toEqual([{ db: 'b' }]);
  });

  it('loses the answer of the next request after its batch committed: the driver sees a failed connection', async () => {
    endpoint.setFaults({ loseAnswer: true, times: 1 }, DATABASE_A);
    const error = await failure(
      db.batch([db.insert(notes).values({ slug: 'answer-lost' }), db.execute(sql`SELECT 1`)]),
    );
    expect(error.message).toMatch(/Error connecting to database/);
    expect(await db.select({ slug: notes.slug }).from(notes).where(eq(notes.slug, 'answer-lost'))).toEqual([
      { slug: 'answer-lost' },
    ]);
    expect(endpoint.requestCount(DATABASE_A)).toBe(2);
  });

  it('takes a count over the control API too, and rejects one that is not a positive whole number or is on a stall', async () => {
    for (const times of [0, -1, 1.5, Number.NaN]) {
      expect(() => endpoint.setFaults({ refuse: true, times }, DATABASE_A), String(times)).toThrow(/times/);
    }
    expect(() => endpoint.setFaults({ stall: true, times: 1 })).toThrow(/stall/);
    const control = (body: unknown) =>
      fetch(new URL('/__control/faults', endpoint.url), { method: 'POST', body: JSON.stringify(body) });
    for (const body of [{ refuse: true, times: '1' }, { refuse: true, times: 0 }, { loseAnswer: 'yes' }]) {
      const response = await control(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    expect(await sqlA`SELECT 1 AS one`).toEqual([{ one: 1 }]);

    expect((await control({ database: DATABASE_A, refuse: true, times: 1 })).status).toBe(204);
    await expect(sqlA`SELECT 1`).rejects.toThrow(/Error connecting to database/);
    expect(await sqlA`SELECT 1 AS one`).toEqual([{ one: 1 }]);
  });
});

describe('the statement log', () => {
  it('records the requests one database was served, statements and parameters as Postgres got them', async () => {
    endpoint.startStatementLog(DATABASE_A);
    await sqlA.query('SELECT $1::int AS n, $2::text[] AS tags, $3::jsonb AS body', [7, ['x', 'y'], { k: 1 }]);
    await sqlB`SELECT 'not logged'`;
    await sqlA.transaction([sqlA`SELECT ${'first'}::text`, sqlA`SELECT 2`]);
    // The driver always asks for arrays (and makes objects itself); a plain client may not.
    await fetch(endpoint.url, {
      method: 'POST',
      body: JSON.stringify({ query: 'SELECT 3', params: [] }),
      headers: { 'Neon-Connection-String': postgres.url(DATABASE_A) },
    });
    expect(endpoint.takeStatementLog(DATABASE_A)).toEqual([
      {
        kind: 'single',
        arrayMode: true,
        statements: [
          {
            query: 'SELECT $1::int AS n, $2::text[] AS tags, $3::jsonb AS body',
            params: ['7', '{"x","y"}', '{"k":1}'],
          },
        ],
      },
      {
        kind: 'batch',
        arrayMode: true,
        statements: [
          { query: 'SELECT $1::text', params: ['first'] },
          { query: 'SELECT 2', params: [] },
        ],
      },
      { kind: 'single', arrayMode: false, statements: [{ query: 'SELECT 3', params: [] }] },
    ]);
    expect(endpoint.takeStatementLog(DATABASE_A)).toEqual([]);
    expect(endpoint.takeStatementLog(DATABASE_B)).toEqual([]);
  });

  it('leaves out refused requests, and records nothing once stopped', async () => {
    endpoint.startStatementLog(DATABASE_A);
    endpoint.setFaults({ refuse: true, times: 1 }, DATABASE_A);
    await failure(sqlA`SELECT 'refused'`);
    await sqlA`SELECT 'served'`;
    expect(endpoint.takeStatementLog(DATABASE_A).map((request) => request.statements[0]?.query)).toEqual([
      "SELECT 'served'",
    ]);
    endpoint.stopStatementLog(DATABASE_A);
    await sqlA`SELECT 'after'`;
    expect(endpoint.takeStatementLog(DATABASE_A)).toEqual([]);
  });

  it('runs beforeRun on each request before its statements, so it sees the database as they will', async () => {
    const direct = new pg.Client({ connectionString: postgres.url(DATABASE_A) });
    await direct.connect();
    const seenBefore: number[] = [];
    try {
      endpoint.startStatementLog(DATABASE_A, {
        beforeRun: async () => {
          const result = await direct.query(
            "SELECT count(*)::int AS n FROM notes WHERE slug = 'logged-insert'",
          );
          seenBefore.push(Number(result.rows[0]?.n));
        },
      });
      await db.insert(notes).values({ slug: 'logged-insert' });
      await db.select().from(notes).where(eq(notes.slug, 'logged-insert'));
    } finally {
      await direct.end();
    }
    expect(seenBefore).toEqual([0, 1]);
    expect(endpoint.takeStatementLog(DATABASE_A)).toHaveLength(2);
  });
});

describe('request counts and the control API', () => {
  const control = (path: string, init?: RequestInit) =>
    fetch(new URL(`/__control/${path}`, endpoint.url), init);

  it('counts one request per query and per batch, per database', async () => {
    await sqlA`SELECT 1`;
    await sqlA.transaction([sqlA`SELECT 1`, sqlA`SELECT 2`, sqlA`SELECT 3`]);
    await sqlB`SELECT 1`;
    expect(endpoint.requestCount()).toBe(3);
    expect(endpoint.requestCount(DATABASE_A)).toBe(2);
    expect(endpoint.requestCount(DATABASE_B)).toBe(1);
    expect(endpoint.requestCount('elsewhere')).toBe(0);
    endpoint.resetCounts();
    expect(endpoint.requestCount()).toBe(0);
  });

  it('reports and resets counts, and sets and clears faults, over HTTP without counting itself', async () => {
    await sqlA`SELECT 1`;
    const stats = await control('stats');
    expect(await stats.json()).toEqual({ total: 1, byDatabase: { [DATABASE_A]: 1 } });

    const set = await control('faults', {
      method: 'POST',
      body: JSON.stringify({ database: DATABASE_B, refuse: true }),
    });
    expect(set.status).toBe(204);
    await expect(sqlB`SELECT 1`).rejects.toThrow(/Error connecting to database/);
    expect(await sqlA`SELECT 1 AS one`).toEqual([{ one: 1 }]);
    expect((await control(`faults?database=${DATABASE_B}`, { method: 'DELETE' })).status).toBe(204);
    expect(await sqlB`SELECT 1 AS one`).toEqual([{ one: 1 }]);

    const invalid = await control('faults', { method: 'POST', body: JSON.stringify({ delayMs: 'soon' }) });
    expect(invalid.status).toBe(400);

    expect(endpoint.requestCount()).toBe(4);
    expect((await control('stats/reset', { method: 'POST' })).status).toBe(204);
    expect(await (await control('stats')).json()).toEqual({ total: 0, byDatabase: {} });
  });
});

describe('shutdown', () => {
  it('ends stalled requests and closes cleanly', async () => {
    const own = await startSqlEndpoint();
    own.setFaults({ stall: true });
    const stalled = tracked(
      fetch(own.url, {
        method: 'POST',
        body: JSON.stringify({ query: 'SELECT 1', params: [] }),
        headers: { 'Neon-Connection-String': postgres.url(DATABASE_A) },
      }),
    );
    await untilReceived(1, own);
    await own.close();
    await expect(stalled.promise).rejects.toThrow();
  });
});
