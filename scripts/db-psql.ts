/**
 * `npm run db:psql [-- psql arguments]`: psql on the database the db:* scripts use — DATABASE_URL when
 * set, otherwise the embedded one in .data/postgres (the running dev server's, or started for the session).
 * Without a psql on PATH it prints the connection URL for any other client and how to install psql.
 */
import { spawnSync } from 'node:child_process';
import { withDatabaseTarget } from './database-target';

const status = await withDatabaseTarget(async (target) => {
  console.error(`psql → ${target.describe}`);
  const result = spawnSync('psql', [target.url, ...process.argv.slice(2)], { stdio: 'inherit' });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT') return result.status ?? 1;
  console.error(
    [
      'psql is not installed. Connect with any Postgres client to:',
      `  ${target.url}`,
      target.kind === 'local'
        ? '  (the embedded database answers while `npm run dev` runs)'
        : '  (your DATABASE_URL)',
      'or install psql: apt-get install postgresql-client (Debian, Ubuntu) · brew install libpq (macOS)',
    ].join('\n'),
  );
  return 1;
});
process.exit(status);
