import { LOCAL_DATABASE_NAME, loadDotEnv, withDatabaseTarget } from './database-target';
import { migrateAndSeed } from './local-stack/migrate';
import { resetNeonBranch } from './neon-branch-reset';

loadDotEnv();

if (process.env.DATABASE_URL) {
  const { NEON_API_KEY, NEON_PROJECT_ID, NEON_BRANCH_ID } = process.env;
  if (!NEON_API_KEY || !NEON_PROJECT_ID || !NEON_BRANCH_ID) {
    console.error(
      'db:reset against Neon needs NEON_API_KEY, NEON_PROJECT_ID and NEON_BRANCH_ID (the dev branch).',
    );
    process.exit(2);
  }
  await resetNeonBranch({ apiKey: NEON_API_KEY, projectId: NEON_PROJECT_ID, branchId: NEON_BRANCH_ID });
}

await withDatabaseTarget(async (target) => {
  if (target.kind === 'local') {
    console.log(`1/2 dropping and recreating database "${LOCAL_DATABASE_NAME}" in ${target.describe}`);
    await target.postgres.dropDatabase(LOCAL_DATABASE_NAME);
    await target.postgres.createDatabase(LOCAL_DATABASE_NAME);
  }
  console.log(`${target.kind === 'local' ? '2/2' : '4/4'} migrating and seeding ${target.describe}`);
  const { seeded } = await migrateAndSeed(target.url);
  console.log(`done: migrated; ${seeded} step definition(s) seeded`);
});
