import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  name: string;
  url: string;
  /** A direct connection for assertions and fixtures; it bypasses the SQL endpoint, so it is never counted. */
  sql: pg.Pool;
  drop(): Promise<void>;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function admin<T>(statement: string, run?: (client: pg.Client) => Promise<T>): Promise<T | undefined> {
  const client = new pg.Client({ connectionString: inject('postgresAdminUrl') });
  await client.connect();
  try {
    await client.query(statement);
    return run ? await run(client) : undefined;
  } finally {
    await client.end();
  }
}

/** A fresh database cloned from the migrated, seeded template. */
export async function createTestDatabase(options: { template?: boolean } = {}): Promise<TestDatabase> {
  const name = `test_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const template = options.template === false ? '' : ` TEMPLATE ${quote(inject('templateDatabase'))}`;
  await admin(`CREATE DATABASE ${quote(name)}${template}`);
  const url = new URL(inject('postgresAdminUrl'));
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  // pool.end() resolves before its connections have closed, so DROP … WITH (FORCE) in drop() can terminate
  // one still closing; the pool reports that as an error event, which unheard would fail the whole run.
  pool.on('error', () => {});
  return {
    name,
    url: url.toString(),
    sql: pool,
    drop: async () => {
      await pool.end();
      await admin(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`);
    },
  };
}
