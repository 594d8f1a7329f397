/**
 * Step outputs used to be stored as jsonb. Migrating an existing database turns the column into json
 * without changing any stored output: the text and the values stay, in the order jsonb had given them.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateAndSeed } from '../../scripts/local-stack/migrate';
import { seedStepDefinitions } from '../../src/db/seed';
import { DRIZZLE_DIR, readJournal } from '../support/repo-files';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const MIGRATION_TO_JSON = '0004_step_outputs_keep_key_order';

/** Outputs as a jsonb column held them: nested, Unicode, exact decimals, empty, and none at all. */
const OUTPUTS: (string | null)[] = [
  '{"statement": "Nurses skip meals", "whoHasIt": ["night shifts"], "scope": {"ward": 3, "b": true}}',
  '{"é": "précomposé", "e\u0301": "décomposé", "👩‍💻": {"deep": [{"z": null, "a": 1.500}]}}',
  '{"big": 123456789012345678901234567890, "tiny": 1e-30, "text": "line\\nbreak \\"quoted\\""}',
  '{}',
  null,
];

type StoredOutput = { id: string; text: string | null; value: unknown };

let database: TestDatabase;
let migrationsBefore: string;
let typeBefore: string | undefined;
let before: StoredOutput[];

/** A copy of drizzle/ whose journal stops just before the migration to json. */
function migrationsUpTo(tag: string): string {
  const journal = readJournal();
  const index = journal.findIndex((entry) => entry.tag === tag);
  if (index < 1) throw new Error(`${tag} is not in the journal`);
  const folder = mkdtempSync(join(tmpdir(), 'migrations-before-'));
  cpSync(DRIZZLE_DIR, folder, { recursive: true });
  writeFileSync(
    join(folder, 'meta/_journal.json'),
    JSON.stringify({ version: '7', dialect: 'postgresql', entries: journal.slice(0, index) }),
  );
  return folder;
}

async function columnType(): Promise<string | undefined> {
  const { rows } = await database.sql.query<{ type: string }>(
    `select format_type(atttypid, atttypmod) as type from pg_attribute
      where attrelid = 'public.workshop_steps'::regclass and attname = 'output'`,
  );
  return rows[0]?.type;
}

async function storedOutputs(): Promise<StoredOutput[]> {
  const { rows } = await database.sql.query<StoredOutput>(
    'select id, output::text as text, output as value from workshop_steps order by id',
  );
  return rows;
}

/** A database as it stood before the migration, with outputs in it; then the migration. */
beforeAll(async () => {
  database = await createTestDatabase({ template: false });
  migrationsBefore = migrationsUpTo(MIGRATION_TO_JSON);
  const client = await database.sql.connect();
  try {
    const db = drizzle({ client });
    await migrate(db, { migrationsFolder: migrationsBefore });
    await seedStepDefinitions(db);
  } finally {
    client.release();
  }
  typeBefore = await columnType();
  await database.sql.query(
    `insert into workshops (id, title, original_idea, clerk_user_id) values ('ws_migrated', 'Old', 'Idea', 'user_old')`,
  );
  const { rows: definitions } = await database.sql.query<{ id: string }>(
    'select id from step_definitions order by position',
  );
  for (const [index, output] of OUTPUTS.entries()) {
    await database.sql.query(
      'insert into workshop_steps (id, workshop_id, step_id, output) values ($1, $2, $3, $4::jsonb)',
      [`wst_${index}`, 'ws_migrated', definitions[index]?.id, output],
    );
  }
  before = await storedOutputs();
  await migrateAndSeed(database.url);
});

afterAll(async () => {
  rmSync(migrationsBefore, { recursive: true, force: true });
  await database?.drop();
});

describe('the migration of step outputs from jsonb to json', () => {
  it('keeps every stored output: the same text and the same values, key order included', async () => {
    expect(typeBefore).toBe('jsonb');
    expect(before.map((row) => row.text === null)).toEqual(OUTPUTS.map((output) => output === null));

    expect(await columnType()).toBe('json');
    const after = await storedOutputs();
    expect(after.map((row) => row.text)).toEqual(before.map((row) => row.text));
    expect(after.map((row) => JSON.stringify(row.value))).toEqual(
      before.map((row) => JSON.stringify(row.value)),
    );
  });

  it('still refuses what the jsonb column refused: a non-object, NUL, a lone surrogate', async () => {
    const refused = ['[1, 2]', '"text"', '{"a": "\\u0000"}', '{"\\ud800": 1}', '{"a": ["\\udc00"]}'];
    for (const output of refused) {
      await expect(
        database.sql.query(`update workshop_steps set output = $1::json where id = 'wst_0'`, [output]),
        output,
      ).rejects.toThrow();
    }
    const { rows } = await database.sql.query<{ text: string }>(
      `select output::text as text from workshop_steps where id = 'wst_0'`,
    );
    expect(rows[0]?.text).toBe(before[0]?.text);
  });
});
