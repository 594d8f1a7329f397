import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateAndSeed } from '../../scripts/local-stack/migrate';
import * as schema from '../../src/db/schema';
import { DRIZZLE_DIR, REPO_ROOT, readJournal } from '../support/repo-files';
import { schemaFingerprint } from '../support/schema-checks';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const run = promisify(execFile);
const DRIZZLE_KIT = join(REPO_ROOT, 'node_modules/.bin/drizzle-kit');
const SCHEMA_FILE = join(REPO_ROOT, 'src/db/schema.ts');
const GENERATE_TIMEOUT_MS = 120_000;

const TABLES: PgTable[] = [
  schema.workshops,
  schema.workshopMembers,
  schema.stepDefinitions,
  schema.workshopSteps,
  schema.sessions,
  schema.buildPacks,
];

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/**
 * Runs `drizzle-kit generate` against a temporary copy of the migrations (or an empty folder), so the
 * real drizzle/ folder is never written. drizzle-kit resolves `out` relative to its working directory
 * (an absolute `out` becomes `.//tmp/…`), so it runs inside the temporary directory with `out: './out'`.
 */
async function generateAgainst(source: 'copy' | 'empty') {
  const workDir = mkdtempSync(join(tmpdir(), 'drizzle-generate-'));
  const outDir = join(workDir, 'out');
  if (source === 'copy') cpSync(DRIZZLE_DIR, outDir, { recursive: true });
  const configFile = join(workDir, 'drizzle.config.ts');
  writeFileSync(
    configFile,
    `export default ${JSON.stringify({ dialect: 'postgresql', schema: SCHEMA_FILE, out: './out', strict: true })};\n`,
  );
  const before = existsSync(outDir) ? listFiles(outDir) : [];
  try {
    const { stdout, stderr } = await run(DRIZZLE_KIT, ['generate', '--config', configFile], {
      cwd: workDir,
      timeout: GENERATE_TIMEOUT_MS,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    const after = existsSync(outDir) ? listFiles(outDir) : [];
    const added = after.filter((file) => !before.includes(file));
    // Read now: the temporary directory is gone once this returns.
    const contents = new Map(
      added
        .filter((file) => file.endsWith('.sql'))
        .map((file) => [file, readFileSync(join(outDir, file), 'utf8')]),
    );
    return { output: `${stdout}\n${stderr}`, added, contents };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

describe('drizzle migrations on an empty database', () => {
  let empty: TestDatabase;
  let template: TestDatabase;
  let firstRun: { seeded: number };

  beforeAll(async () => {
    empty = await createTestDatabase({ template: false });
    template = await createTestDatabase();
    const tables = await empty.sql.query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    expect(tables.rows[0]).toEqual({ n: 0 });
    firstRun = await migrateAndSeed(empty.url);
  });

  afterAll(async () => {
    await empty?.drop();
    await template?.drop();
  });

  it('apply every migration in the journal and seed the ten step definitions', async () => {
    expect(firstRun).toEqual({ seeded: 10 });
    const journal = readJournal();
    const applied = await empty.sql.query<{ hash: string; created_at: string }>(
      'SELECT hash, created_at::text AS created_at FROM drizzle.__drizzle_migrations ORDER BY created_at',
    );
    expect(applied.rows).toEqual(
      journal.map((entry) => ({
        hash: createHash('sha256')
          .update(readFileSync(join(DRIZZLE_DIR, `${entry.tag}.sql`), 'utf8'))
          .digest('hex'),
        created_at: String(entry.when),
      })),
    );
    const tables = await empty.sql.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    expect(tables.rows.map((row) => row.table_name)).toEqual([
      'build_packs',
      'idempotency_keys',
      'sessions',
      'step_definitions',
      'workshop_members',
      'workshop_steps',
      'workshops',
    ]);
    const definitions = await empty.sql.query('SELECT count(*)::int AS n FROM step_definitions');
    expect(definitions.rows[0]).toEqual({ n: 10 });
  });

  it('is a no-op when applied a second time: no new migration row, nothing seeded, the schema unchanged', async () => {
    const rowsBefore = await empty.sql.query('SELECT * FROM drizzle.__drizzle_migrations ORDER BY id');
    const fingerprintBefore = await schemaFingerprint(empty.sql);
    const definitionsBefore = await empty.sql.query('SELECT * FROM step_definitions ORDER BY position');

    await expect(migrateAndSeed(empty.url)).resolves.toEqual({ seeded: 0 });

    const rowsAfter = await empty.sql.query('SELECT * FROM drizzle.__drizzle_migrations ORDER BY id');
    expect(rowsAfter.rows).toEqual(rowsBefore.rows);
    expect(await schemaFingerprint(empty.sql)).toEqual(fingerprintBefore);
    const definitionsAfter = await empty.sql.query('SELECT * FROM step_definitions ORDER BY position');
    expect(definitionsAfter.rows).toEqual(definitionsBefore.rows);
  });

  it('build exactly the schema of the template database every other test file starts from', async () => {
    expect(await schemaFingerprint(empty.sql)).toEqual(await schemaFingerprint(template.sql));
  });

  it('create every table, column, nullability, key, check and index that the Drizzle schema declares', async () => {
    const normalise = (type: string) => type.replaceAll(' (', '(');
    for (const table of TABLES) {
      const config = getTableConfig(table);
      const columns = await empty.sql.query<{ name: string; type: string; not_null: boolean }>(
        `SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attnotnull AS not_null
           FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attname`,
        [`public.${config.name}`],
      );
      const declared = config.columns
        .map((column) => ({
          name: column.name,
          type: normalise(column.getSQLType()),
          not_null: column.notNull,
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
      expect(columns.rows, config.name).toEqual(declared);

      const constraints = await empty.sql.query<{ conname: string; contype: string; confdeltype: string }>(
        `SELECT conname, contype, confdeltype FROM pg_constraint WHERE conrelid = $1::regclass`,
        [`public.${config.name}`],
      );
      const byName = new Map(constraints.rows.map((row) => [row.conname, row]));
      for (const check of config.checks) expect(byName.get(check.name)?.contype, check.name).toBe('c');
      for (const unique of config.uniqueConstraints) {
        const name = unique.getName() ?? '(unnamed unique constraint)';
        expect(byName.get(name)?.contype, name).toBe('u');
      }
      for (const column of config.columns) {
        if (column.isUnique && column.uniqueName) {
          expect(byName.get(column.uniqueName)?.contype, column.uniqueName).toBe('u');
        }
      }
      const onDelete: Record<string, string> = { cascade: 'c', restrict: 'r', 'no action': 'a' };
      for (const foreignKey of config.foreignKeys) {
        const row = byName.get(foreignKey.getName());
        expect(row?.contype, foreignKey.getName()).toBe('f');
        expect(row?.confdeltype, foreignKey.getName()).toBe(onDelete[foreignKey.onDelete ?? 'no action']);
      }
      // Declared constraints plus the primary key: nothing in the database that the schema does not know.
      const declaredUniqueColumns = config.columns.filter((column) => column.isUnique).length;
      expect(constraints.rows.length, config.name).toBe(
        1 +
          config.checks.length +
          config.uniqueConstraints.length +
          declaredUniqueColumns +
          config.foreignKeys.length,
      );

      const indexes = await empty.sql.query<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1`,
        [config.name],
      );
      const indexNames = indexes.rows.map((row) => row.indexname);
      for (const index of config.indexes) expect(indexNames, config.name).toContain(index.config.name);
    }
  });
});

describe('the Drizzle schema and the generated migrations', () => {
  it(
    'are in sync: drizzle-kit generate against a copy of the migrations folder writes no new migration and says nothing to migrate',
    async () => {
      const realBefore = listFiles(DRIZZLE_DIR);
      const { output, added } = await generateAgainst('copy');
      expect(added, output).toEqual([]);
      expect(output).toMatch(/nothing to migrate/i);
      expect(output).not.toMatch(/error/i);
      expect(listFiles(DRIZZLE_DIR)).toEqual(realBefore);
    },
    GENERATE_TIMEOUT_MS + 10_000,
  );

  it(
    'would be caught out of sync: against an empty migrations folder drizzle-kit writes a migration creating every table',
    async () => {
      const realBefore = listFiles(DRIZZLE_DIR);
      const { output, added, contents } = await generateAgainst('empty');
      const sqlFiles = added.filter((file) => file.endsWith('.sql'));
      expect(sqlFiles, output).toHaveLength(1);
      const generated = contents.get(sqlFiles[0] ?? '') ?? '';
      for (const table of TABLES) expect(generated).toContain(`CREATE TABLE "${getTableConfig(table).name}"`);
      expect(listFiles(DRIZZLE_DIR)).toEqual(realBefore);
    },
    GENERATE_TIMEOUT_MS + 10_000,
  );
});
