import { withDatabaseTarget } from './database-target';
import { migrateAndSeed } from './local-stack/migrate';

await withDatabaseTarget(async (target) => {
  console.log(`migrating ${target.describe}`);
  const { seeded } = await migrateAndSeed(target.url);
  console.log(`migrations applied; seed inserted ${seeded} missing step definition(s)`);
});
