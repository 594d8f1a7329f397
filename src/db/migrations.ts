import { sql } from 'drizzle-orm';
import journal from '../../drizzle/meta/_journal.json';
import type { Database } from './client';

export interface MigrationStatus {
  applied: number;
  expected: number;
  pending: string[];
}

/** The migrations bundled with this build, as drizzle's migrator records them (`created_at` = the journal's `when`). */
export const EXPECTED_MIGRATIONS: readonly { tag: string; when: number }[] = journal.entries.map((entry) => ({
  tag: entry.tag,
  when: entry.when,
}));

export async function readMigrationStatus(db: Database): Promise<MigrationStatus> {
  const result = await db.execute<{ created_at: string }>(
    sql`select created_at::text as created_at from drizzle.__drizzle_migrations`,
  );
  const applied = new Set(result.rows.map((row) => Number(row.created_at)));
  const pending = EXPECTED_MIGRATIONS.filter((migration) => !applied.has(migration.when)).map((m) => m.tag);
  return {
    applied: EXPECTED_MIGRATIONS.length - pending.length,
    expected: EXPECTED_MIGRATIONS.length,
    pending,
  };
}
