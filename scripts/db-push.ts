import { spawnSync } from 'node:child_process';
import { withDatabaseTarget } from './database-target';

/** `drizzle-kit push` for quick local iteration; generate + migrate for anything deployed. */
const status = await withDatabaseTarget(async (target) => {
  console.log(`pushing the schema to ${target.describe}`);
  const result = spawnSync('npx', ['drizzle-kit', 'push', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL: target.url },
  });
  return result.status ?? 1;
});
process.exit(status);
