import { randomUUID } from 'node:crypto';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedStepDefinitions } from '../../src/db/seed';
import { pgError } from '../support/schema-checks';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const TABLE_COLUMNS: Record<string, string[]> = {
  workshops: [
    'id',
    'title',
    'original_idea',
    'status',
    'clerk_user_id',
    'org_id',
    'template_id',
    'visibility',
    'share_token',
    'created_at',
    'updated_at',
  ],
  workshop_members: [
    'id',
    'workshop_id',
    'clerk_user_id',
    'role',
    'created_at',
    'workshop_updated_at',
    'workshop_status',
  ],
  step_definitions: ['id', 'position', 'name', 'description', 'prompt_template', 'created_at', 'updated_at'],
  workshop_steps: [
    'id',
    'workshop_id',
    'step_id',
    'status',
    'output',
    'completion',
    'started_at',
    'completed_at',
    'updated_at',
  ],
  sessions: ['id', 'workshop_id', 'started_at', 'ended_at'],
  build_packs: ['id', 'workshop_id', 'title', 'format_type', 'created_at', 'updated_at'],
};

/** Columns that docs/data-model.md says may be null (or that are null until something happens). */
const NULLABLE = new Set([
  'workshops.org_id',
  'workshops.template_id',
  'workshops.share_token',
  'step_definitions.prompt_template',
  'workshop_steps.output',
  'workshop_steps.completion',
  'workshop_steps.started_at',
  'workshop_steps.completed_at',
  'sessions.ended_at',
]);

/** Not part of the data model (docs/data-model.md): they remember Idempotency-Key requests for 24 hours. */
const INFRASTRUCTURE_TABLES: readonly string[] = ['idempotency_keys'];
const CHILD_TABLES = ['workshop_members', 'workshop_steps', 'sessions', 'build_packs'] as const;
const TABLES_WITH_UPDATED_AT = ['workshops', 'step_definitions', 'workshop_steps', 'build_packs'] as const;

const STEPS: readonly [slug: string, name: string][] = [
  ['challenge', 'Challenge'],
  ['stakeholder-mapping', 'Stakeholder Mapping'],
  ['user-research', 'User Research'],
  ['sense-making', 'Research Sense Making'],
  ['persona', 'Persona Development'],
  ['journey-mapping', 'Journey Mapping'],
  ['reframe', 'Reframing the Challenge'],
  ['ideation', 'Ideation'],
  ['concept', 'Concept Development'],
  ['validate', 'Validate'],
];

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

const uid = (prefix: string) => `${prefix}_${randomUUID().replaceAll('-', '')}`;

async function insertWorkshop(overrides: Record<string, string | null> = {}): Promise<string> {
  const row: Record<string, string | null> = {
    id: uid('ws'),
    title: 'A workshop',
    original_idea: 'an idea',
    clerk_user_id: 'user_owner',
    ...overrides,
  };
  const columns = Object.keys(row);
  await database.sql.query(
    `INSERT INTO workshops (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
    Object.values(row),
  );
  return String(row.id);
}

/** One row in every child table of `workshopId`. */
async function insertChildren(workshopId: string): Promise<void> {
  await database.sql.query(
    `INSERT INTO workshop_members (id, workshop_id, clerk_user_id, role) VALUES ($1, $2, 'user_owner', 'owner')`,
    [uid('mem'), workshopId],
  );
  await database.sql.query(
    `INSERT INTO workshop_steps (id, workshop_id, step_id, output) VALUES ($1, $2, 'challenge', '{"a":1}')`,
    [uid('wst'), workshopId],
  );
  await database.sql.query(`INSERT INTO sessions (id, workshop_id) VALUES ($1, $2)`, [
    uid('ses'),
    workshopId,
  ]);
  await database.sql.query(
    `INSERT INTO build_packs (id, workshop_id, title, format_type) VALUES ($1, $2, 'Pack', 'markdown')`,
    [uid('bp'), workshopId],
  );
}

async function childCounts(workshopId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of CHILD_TABLES) {
    const result = await database.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${table} WHERE workshop_id = $1`,
      [workshopId],
    );
    counts[table] = result.rows[0]?.n ?? -1;
  }
  return counts;
}

describe('the tables', () => {
  it('are exactly the six of the data model, plus the idempotency keys of creates, in schema public', async () => {
    const result = await database.sql.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    expect(result.rows.map((row) => row.table_name)).toEqual(
      [...Object.keys(TABLE_COLUMNS), ...INFRASTRUCTURE_TABLES].sort(),
    );
  });

  it('have the columns of the data model, nullable only where it allows a null', async () => {
    const result = await database.sql.query<{ table_name: string; column_name: string; is_nullable: string }>(
      `SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    for (const [table, columns] of Object.entries(TABLE_COLUMNS)) {
      const actual = result.rows.filter((row) => row.table_name === table);
      expect(actual.map((row) => row.column_name).sort(), table).toEqual([...columns].sort());
      for (const row of actual) {
        const key = `${table}.${row.column_name}`;
        expect(row.is_nullable, key).toBe(NULLABLE.has(key) ? 'YES' : 'NO');
      }
    }
  });

  it('use text ids, json outputs (kept as written), an integer position and timestamptz(3) for every timestamp', async () => {
    const result = await database.sql.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      datetime_precision: number | null;
    }>(
      `SELECT table_name, column_name, data_type, datetime_precision
         FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const type = (table: string, column: string) =>
      result.rows.find((row) => row.table_name === table && row.column_name === column)?.data_type;
    for (const table of Object.keys(TABLE_COLUMNS)) expect(type(table, 'id'), table).toBe('text');
    expect(type('workshop_steps', 'output')).toBe('json');
    expect(type('step_definitions', 'position')).toBe('integer');

    const timestamps = result.rows.filter(
      (row) => row.data_type.startsWith('timestamp') && !INFRASTRUCTURE_TABLES.includes(row.table_name),
    );
    const timestampColumns = timestamps.map((row) => `${row.table_name}.${row.column_name}`).sort();
    expect(timestampColumns).toEqual(
      Object.entries(TABLE_COLUMNS)
        .flatMap(([table, columns]) => columns.filter((c) => /_at$/.test(c)).map((c) => `${table}.${c}`))
        .sort(),
    );
    for (const row of timestamps) {
      expect({
        column: `${row.table_name}.${row.column_name}`,
        type: row.data_type,
        precision: row.datetime_precision,
      }).toEqual({
        column: `${row.table_name}.${row.column_name}`,
        type: 'timestamp with time zone',
        precision: 3,
      });
    }
  });

  it('store timestamps to the millisecond', async () => {
    const id = await insertWorkshop();
    await database.sql.query(
      `UPDATE workshops SET created_at = '2030-01-02T03:04:05.678912Z' WHERE id = $1`,
      [id],
    );
    const result = await database.sql.query<{ created_at: string }>(
      `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS created_at
         FROM workshops WHERE id = $1`,
      [id],
    );
    expect(result.rows[0]?.created_at).toBe('2030-01-02T03:04:05.679000');
  });
});

describe('the CHECK constraints', () => {
  it.each([
    ['workshops.status', 'status', 'archived', 'workshops_status_check'],
    ['workshops.visibility', 'visibility', 'public', 'workshops_visibility_check'],
  ])('reject a bad %s value (SQLSTATE 23514)', async (_label, column, value, constraint) => {
    const error = await pgError(insertWorkshop({ [column]: value }));
    expect({ code: error.code, constraint: error.constraint }).toEqual({ code: '23514', constraint });
  });

  it('accept every status and visibility the data model lists', async () => {
    for (const status of ['draft', 'active', 'paused', 'completed']) {
      await expect(insertWorkshop({ status })).resolves.toMatch(/^ws_/);
    }
    await expect(insertWorkshop({ visibility: 'private' })).resolves.toMatch(/^ws_/);
    await expect(insertWorkshop({ visibility: 'shared', share_token: uid('tok') })).resolves.toMatch(/^ws_/);
  });

  it('reject a shared workshop without a share token and a private one with a token', async () => {
    const cases: Record<string, string>[] = [
      { visibility: 'shared' },
      { visibility: 'private', share_token: uid('tok') },
    ];
    for (const overrides of cases) {
      const error = await pgError(insertWorkshop(overrides));
      expect({ code: error.code, constraint: error.constraint }).toEqual({
        code: '23514',
        constraint: 'workshops_share_token_matches_visibility',
      });
    }
  });

  it('reject a bad build pack format_type and accept markdown, pdf and json', async () => {
    const workshopId = await insertWorkshop();
    const insert = (format: string) =>
      database.sql.query(
        `INSERT INTO build_packs (id, workshop_id, title, format_type) VALUES ($1, $2, 'P', $3)`,
        [uid('bp'), workshopId, format],
      );
    for (const format of ['docx', 'Markdown', '']) {
      const error = await pgError(insert(format));
      expect({ format, code: error.code, constraint: error.constraint }).toEqual({
        format,
        code: '23514',
        constraint: 'build_packs_format_type_check',
      });
    }
    for (const format of ['markdown', 'pdf', 'json']) await insert(format);
    const count = await database.sql.query(
      'SELECT count(*)::int AS n FROM build_packs WHERE workshop_id = $1',
      [workshopId],
    );
    expect(count.rows[0]).toEqual({ n: 3 });
  });

  it('reject a bad workshop step status or completion and accept the listed ones', async () => {
    const workshopId = await insertWorkshop();
    const insert = (stepId: string, status: string, completion: string | null) =>
      database.sql.query(
        `INSERT INTO workshop_steps (id, workshop_id, step_id, status, completion, completed_at)
         VALUES ($1, $2, $3, $4, $5, CASE WHEN $4 = 'complete' THEN now() END)`,
        [uid('wst'), workshopId, stepId, status, completion],
      );
    const badStatus = await pgError(insert('challenge', 'done', null));
    expect({ code: badStatus.code, constraint: badStatus.constraint }).toEqual({
      code: '23514',
      constraint: 'workshop_steps_status_check',
    });
    const badCompletion = await pgError(insert('challenge', 'complete', 'auto'));
    expect({ code: badCompletion.code, constraint: badCompletion.constraint }).toEqual({
      code: '23514',
      constraint: 'workshop_steps_completion_check',
    });
    const completeWithoutCompletion = await pgError(insert('challenge', 'complete', null));
    expect(completeWithoutCompletion.code).toBe('23514');

    await insert('challenge', 'not_started', null);
    await insert('stakeholder-mapping', 'in_progress', null);
    await insert('user-research', 'complete', 'ai_confirmed');
    await insert('sense-making', 'complete', 'user_skipped');
    const rows = await database.sql.query(
      'SELECT count(*)::int AS n FROM workshop_steps WHERE workshop_id = $1',
      [workshopId],
    );
    expect(rows.rows[0]).toEqual({ n: 4 });
  });
});

describe('deleting a workshop', () => {
  it('cascades to every child table and leaves other workshops untouched', async () => {
    const doomed = await insertWorkshop();
    const kept = await insertWorkshop();
    await insertChildren(doomed);
    await insertChildren(kept);
    const one = { workshop_members: 1, workshop_steps: 1, sessions: 1, build_packs: 1 };
    expect(await childCounts(doomed)).toEqual(one);

    const deleted = await database.sql.query('DELETE FROM workshops WHERE id = $1', [doomed]);
    expect(deleted.rowCount).toBe(1);

    expect(await childCounts(doomed)).toEqual({
      workshop_members: 0,
      workshop_steps: 0,
      sessions: 0,
      build_packs: 0,
    });
    expect(await childCounts(kept)).toEqual(one);
    const definitions = await database.sql.query('SELECT count(*)::int AS n FROM step_definitions');
    expect(definitions.rows[0]).toEqual({ n: 10 });
  });

  it('is declared ON DELETE CASCADE on every foreign key to workshops, and RESTRICT from steps to definitions', async () => {
    const result = await database.sql.query<{ child: string; parent: string; on_delete: string }>(
      `SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent, confdeltype AS on_delete
         FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace ORDER BY 1, 2`,
    );
    expect(result.rows).toEqual([
      { child: 'build_packs', parent: 'workshops', on_delete: 'c' },
      { child: 'sessions', parent: 'workshops', on_delete: 'c' },
      { child: 'workshop_members', parent: 'workshops', on_delete: 'c' },
      { child: 'workshop_steps', parent: 'step_definitions', on_delete: 'r' },
      { child: 'workshop_steps', parent: 'workshops', on_delete: 'c' },
    ]);
  });

  it('of a step definition in use is refused (ON DELETE RESTRICT, SQLSTATE 23503), so no one loses work', async () => {
    const workshopId = await insertWorkshop();
    await insertChildren(workshopId);
    const error = await pgError(database.sql.query(`DELETE FROM step_definitions WHERE id = 'challenge'`));
    expect({ code: error.code, constraint: error.constraint }).toEqual({
      code: '23503',
      constraint: 'workshop_steps_step_id_step_definitions_id_fk',
    });
    expect(await childCounts(workshopId)).toMatchObject({ workshop_steps: 1 });
  });
});

describe('the unique constraints', () => {
  it('are exactly (workshop_id, clerk_user_id), (workshop_id, step_id), share_token and position', async () => {
    const result = await database.sql.query<{ table_name: string; name: string; definition: string }>(
      `SELECT conrelid::regclass::text AS table_name, conname AS name, pg_get_constraintdef(oid) AS definition
         FROM pg_constraint WHERE contype = 'u' AND connamespace = 'public'::regnamespace ORDER BY 1, 2`,
    );
    expect(result.rows).toEqual([
      {
        table_name: 'step_definitions',
        name: 'step_definitions_position_unique',
        definition: 'UNIQUE ("position")',
      },
      {
        table_name: 'workshop_members',
        name: 'workshop_members_workshop_user_unique',
        definition: 'UNIQUE (workshop_id, clerk_user_id)',
      },
      {
        table_name: 'workshop_steps',
        name: 'workshop_steps_workshop_step_unique',
        definition: 'UNIQUE (workshop_id, step_id)',
      },
      { table_name: 'workshops', name: 'workshops_share_token_unique', definition: 'UNIQUE (share_token)' },
    ]);
  });

  it('reject a second membership of one user in one workshop (SQLSTATE 23505)', async () => {
    const workshopId = await insertWorkshop();
    const insert = (userId: string) =>
      database.sql.query(
        `INSERT INTO workshop_members (id, workshop_id, clerk_user_id, role) VALUES ($1, $2, $3, 'editor')`,
        [uid('mem'), workshopId, userId],
      );
    await insert('user_a');
    await insert('user_b');
    const error = await pgError(insert('user_a'));
    expect({ code: error.code, constraint: error.constraint }).toEqual({
      code: '23505',
      constraint: 'workshop_members_workshop_user_unique',
    });
  });

  it('reject a second row for one step of one workshop (SQLSTATE 23505)', async () => {
    const workshopId = await insertWorkshop();
    const other = await insertWorkshop();
    const insert = (workshop: string) =>
      database.sql.query(`INSERT INTO workshop_steps (id, workshop_id, step_id) VALUES ($1, $2, 'persona')`, [
        uid('wst'),
        workshop,
      ]);
    await insert(workshopId);
    await insert(other);
    const error = await pgError(insert(workshopId));
    expect({ code: error.code, constraint: error.constraint }).toEqual({
      code: '23505',
      constraint: 'workshop_steps_workshop_step_unique',
    });
  });

  it('reject a share token already in use, while many workshops have none (SQLSTATE 23505)', async () => {
    const token = uid('tok');
    await insertWorkshop({ visibility: 'shared', share_token: token });
    await insertWorkshop();
    await insertWorkshop();
    const error = await pgError(insertWorkshop({ visibility: 'shared', share_token: token }));
    expect({ code: error.code, constraint: error.constraint }).toEqual({
      code: '23505',
      constraint: 'workshops_share_token_unique',
    });
  });

  it('reject a second definition at a position, and positions outside 1–10', async () => {
    const insert = (position: number) =>
      database.sql.query(
        `INSERT INTO step_definitions (id, position, name, description) VALUES ($1, $2, 'X', 'Y')`,
        [uid('def'), position],
      );
    const duplicate = await pgError(insert(3));
    expect({ code: duplicate.code, constraint: duplicate.constraint }).toEqual({
      code: '23505',
      constraint: 'step_definitions_position_unique',
    });
    for (const position of [0, 11]) {
      const outOfRange = await pgError(insert(position));
      expect({ code: outOfRange.code, constraint: outOfRange.constraint }).toEqual({
        code: '23514',
        constraint: 'step_definitions_position_check',
      });
    }
  });
});

describe('the indexes', () => {
  it('serve the known queries: workshops by owner, memberships by user, owned workshops by user, steps by workshop, sessions by workshop and time, build packs by workshop, share token lookup', async () => {
    const result = await database.sql.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'`,
    );
    const definition = (name: string) =>
      result.rows.find((row) => row.indexname === name)?.indexdef.replace(/^.* USING /, 'USING ');
    expect(definition('workshops_owner_idx')).toBe('USING btree (clerk_user_id, created_at)');
    expect(definition('workshop_members_owner_idx')).toBe(
      "USING btree (clerk_user_id) WHERE (role = 'owner'::text)",
    );
    expect(definition('workshop_members_user_list_idx')).toBe(
      'USING btree (clerk_user_id, workshop_updated_at DESC, workshop_id DESC)',
    );
    expect(definition('workshop_members_user_status_list_idx')).toBe(
      'USING btree (clerk_user_id, workshop_status, workshop_updated_at DESC, workshop_id DESC)',
    );
    expect(definition('workshop_steps_workshop_step_unique')).toBe('USING btree (workshop_id, step_id)');
    expect(definition('sessions_workshop_started_idx')).toMatch(
      /^USING btree \(workshop_id, started_at DESC/,
    );
    expect(definition('build_packs_workshop_idx')).toBe('USING btree (workshop_id, created_at)');
    expect(definition('workshops_share_token_unique')).toBe('USING btree (share_token)');
    expect(definition('step_definitions_position_unique')).toBe('USING btree ("position")');
    // Nothing else but the primary keys.
    const others = result.rows.map((row) => row.indexname).filter((name) => !name.endsWith('_pkey'));
    expect(others.sort()).toEqual(
      [
        'build_packs_workshop_idx',
        'idempotency_keys_expires_idx',
        'sessions_workshop_started_idx',
        'step_definitions_position_unique',
        'workshop_members_owner_idx',
        'workshop_members_user_list_idx',
        'workshop_members_user_status_list_idx',
        'workshop_members_workshop_user_unique',
        'workshop_steps_workshop_step_unique',
        'workshops_owner_idx',
        'workshops_share_token_unique',
      ].sort(),
    );
  });

  it('serve the sessions of a workshop newest first (ORDER BY started_at DESC) without a sort', async () => {
    const workshopId = await insertWorkshop();
    await database.sql.query(
      `INSERT INTO sessions (id, workshop_id, started_at)
       SELECT $1 || g, $2, now() - g * interval '1 second' FROM generate_series(1, 200) AS g`,
      [uid('ses'), workshopId],
    );
    const client = await database.sql.connect();
    try {
      await client.query('BEGIN');
      // Make any plan that needs a Sort (or a sequential scan) as expensive as possible, so the plan
      // only avoids a Sort when the index itself yields the order.
      await client.query('SET LOCAL enable_seqscan = off');
      await client.query('SET LOCAL enable_sort = off');
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT id, started_at FROM sessions WHERE workshop_id = '${workshopId}'
          ORDER BY started_at DESC LIMIT 20`,
      );
      const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(text).toContain('sessions_workshop_started_idx');
      expect(text).not.toMatch(/\bSort\b/);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});

describe('updated_at', () => {
  /** Inserts one row into `table` and returns a WHERE clause naming it. */
  async function insertRow(client: pg.PoolClient, table: (typeof TABLES_WITH_UPDATED_AT)[number]) {
    const id = uid(table);
    if (table === 'step_definitions') {
      // The ten positions are taken: edit an existing definition instead of adding an eleventh.
      return { where: `id = 'ideation'` };
    }
    if (table === 'workshops') {
      await client.query(
        `INSERT INTO workshops (id, title, original_idea, clerk_user_id) VALUES ($1, 't', 'i', 'u')`,
        [id],
      );
      return { where: `id = '${id}'` };
    }
    const workshopId = uid('ws');
    await client.query(
      `INSERT INTO workshops (id, title, original_idea, clerk_user_id) VALUES ($1, 't', 'i', 'u')`,
      [workshopId],
    );
    if (table === 'workshop_steps') {
      await client.query(`INSERT INTO workshop_steps (id, workshop_id, step_id) VALUES ($1, $2, 'concept')`, [
        id,
        workshopId,
      ]);
    } else {
      await client.query(
        `INSERT INTO build_packs (id, workshop_id, title, format_type) VALUES ($1, $2, 't', 'json')`,
        [id, workshopId],
      );
    }
    return { where: `id = '${id}'` };
  }

  const touch: Record<(typeof TABLES_WITH_UPDATED_AT)[number], string> = {
    workshops: `title = title || '.'`,
    step_definitions: `description = description`,
    workshop_steps: `output = '{"v":1}'`,
    build_packs: `title = title || '.'`,
  };

  async function updatedAtMs(client: pg.PoolClient, table: string, where: string): Promise<number> {
    const result = await client.query<{ ms: string }>(
      `SELECT (extract(epoch FROM updated_at) * 1000)::bigint::text AS ms FROM ${table} WHERE ${where}`,
    );
    return Number(result.rows[0]?.ms);
  }

  it.each(TABLES_WITH_UPDATED_AT)(
    'moves forward on every UPDATE of %s, even twice in one transaction and when set to the past',
    async (table) => {
      const client = await database.sql.connect();
      try {
        const { where } = await insertRow(client, table);
        const initial = await updatedAtMs(client, table, where);

        await client.query('BEGIN');
        const seen: number[] = [];
        for (let i = 0; i < 3; i++) {
          const updated = await client.query(`UPDATE ${table} SET ${touch[table]} WHERE ${where}`);
          expect(updated.rowCount).toBe(1);
          seen.push(await updatedAtMs(client, table, where));
        }
        // A writer that sets updated_at itself (here, into the past) cannot move it backwards.
        await client.query(`UPDATE ${table} SET updated_at = '2000-01-01T00:00:00Z' WHERE ${where}`);
        seen.push(await updatedAtMs(client, table, where));
        await client.query('COMMIT');

        await client.query(`UPDATE ${table} SET ${touch[table]} WHERE ${where}`);
        seen.push(await updatedAtMs(client, table, where));

        let previous = initial;
        for (const value of seen) {
          expect(value).toBeGreaterThan(previous);
          previous = value;
        }
      } finally {
        await client.query('ROLLBACK').catch(() => {});
        client.release();
      }
    },
  );

  it('has a BEFORE UPDATE trigger on exactly the four tables with the column', async () => {
    const result = await database.sql.query<{ table_name: string }>(
      `SELECT event_object_table AS table_name FROM information_schema.triggers
        WHERE trigger_schema = 'public' AND action_timing = 'BEFORE' AND event_manipulation = 'UPDATE'
          AND action_statement = 'EXECUTE FUNCTION set_updated_at()' ORDER BY 1`,
    );
    expect(result.rows.map((row) => row.table_name)).toEqual([...TABLES_WITH_UPDATED_AT].sort());
  });
});

describe('the step definitions', () => {
  it('are the ten of the data model, in position order, each with a one-line description', async () => {
    const result = await database.sql.query<{
      id: string;
      position: number;
      name: string;
      description: string;
      prompt_template: string | null;
    }>('SELECT id, position, name, description, prompt_template FROM step_definitions ORDER BY position');
    expect(result.rows.map((row) => [row.id, row.name])).toEqual(STEPS);
    expect(result.rows.map((row) => row.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const row of result.rows) {
      expect(row.description.trim().length, row.id).toBeGreaterThan(10);
      expect(row.description, row.id).not.toMatch(/\n/);
    }
  });
});

describe('seedStepDefinitions (through drizzle node-postgres)', () => {
  let seeded: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    seeded = await createTestDatabase();
    client = new pg.Client({ connectionString: seeded.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await seeded?.drop();
  });

  const allDefinitions = async () =>
    (await seeded.sql.query('SELECT * FROM step_definitions ORDER BY position')).rows;

  it('is idempotent: on a seeded database it inserts nothing and changes nothing', async () => {
    const before = await allDefinitions();
    await expect(seedStepDefinitions(drizzle({ client }))).resolves.toBe(0);
    await expect(seedStepDefinitions(drizzle({ client }))).resolves.toBe(0);
    expect(await allDefinitions()).toEqual(before);
  });

  it('keeps an edited definition as edited and restores a deleted one', async () => {
    await seeded.sql.query(
      `UPDATE step_definitions SET name = 'Empathy Map', description = 'Edited by an admin.',
              prompt_template = 'Edited prompt' WHERE id = 'persona'`,
    );
    const original = (await allDefinitions()).find((row) => row.id === 'validate');
    await seeded.sql.query(`DELETE FROM step_definitions WHERE id = 'validate'`);
    const edited = (await allDefinitions()).find((row) => row.id === 'persona');

    await expect(seedStepDefinitions(drizzle({ client }))).resolves.toBe(1);

    const after = await allDefinitions();
    expect(after).toHaveLength(10);
    expect(after.find((row) => row.id === 'persona')).toEqual(edited);
    expect(after.find((row) => row.id === 'persona')).toMatchObject({
      name: 'Empathy Map',
      description: 'Edited by an admin.',
      prompt_template: 'Edited prompt',
    });
    expect(after.find((row) => row.id === 'validate')).toMatchObject({
      position: original?.position,
      name: original?.name,
      description: original?.description,
      prompt_template: null,
    });
    expect(after.map((row) => row.id)).toEqual(STEPS.map(([slug]) => slug));

    await expect(seedStepDefinitions(drizzle({ client }))).resolves.toBe(0);
    expect(await allDefinitions()).toEqual(after);
  });
});
