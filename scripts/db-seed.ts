import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { seedStepDefinitions } from '../src/db/seed';
import { withDatabaseTarget } from './database-target';

await withDatabaseTarget(async (target) => {
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    const seeded = await seedStepDefinitions(drizzle({ client }));
    console.log(
      `seeded ${target.describe}: ${seeded} missing step definition(s) inserted, existing ones untouched`,
    );
  } finally {
    await client.end();
  }
});
