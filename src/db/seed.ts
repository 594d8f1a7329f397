import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { STEP_DEFINITIONS } from '../domain/step-catalogue';
import { stepDefinitions } from './schema';

/** Inserts missing step definitions; rows that exist (perhaps edited since) are left exactly as they are. */
export async function seedStepDefinitions(db: PgDatabase<PgQueryResultHKT>): Promise<number> {
  const inserted = await db
    .insert(stepDefinitions)
    .values([...STEP_DEFINITIONS])
    .onConflictDoNothing()
    .returning({ id: stepDefinitions.id });
  return inserted.length;
}
