import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { seedStepDefinitions } from '../../src/db/seed';

export const MIGRATIONS_FOLDER = new URL('../../drizzle', import.meta.url).pathname;

/**
 * Migrations run over a direct Postgres connection (one transaction for all pending files); the app itself
 * only ever talks SQL-over-HTTP. Against Neon, use the unpooled connection string.
 */
export async function migrateAndSeed(connectionString: string): Promise<{ seeded: number }> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const db = drizzle({ client });
    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    return { seeded: await seedStepDefinitions(db) };
  } finally {
    await client.end();
  }
}
