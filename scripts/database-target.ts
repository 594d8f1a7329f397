import { existsSync } from 'node:fs';
import { DEV_DATA_DIR } from './dev-paths';
import {
  attachLocalPostgres,
  databaseExists,
  type LocalPostgres,
  startLocalPostgres,
} from './local-stack/postgres';
import { findRunningCluster } from './local-stack/running-cluster';

export const LOCAL_DATABASE_NAME = 'workshop';

export type DatabaseTarget =
  | { kind: 'neon'; url: string; describe: string }
  | { kind: 'local'; url: string; describe: string; postgres: LocalPostgres };

export function loadDotEnv(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
}

/**
 * With DATABASE_URL set (a Neon branch), that database — through its unpooled host when given, since
 * migrations want a session. Otherwise the embedded dev database under .data/: the cluster already running
 * there (`npm run dev` holds it while it runs, and editing the schema meanwhile is the normal loop), or
 * one started for the command and stopped after it.
 */
export async function withDatabaseTarget<T>(action: (target: DatabaseTarget) => Promise<T>): Promise<T> {
  loadDotEnv();
  const remote = process.env.DATABASE_URL_UNPOOLED ?? process.env.DATABASE_URL;
  if (remote) return action({ kind: 'neon', url: remote, describe: new URL(remote).host });

  const running = findRunningCluster(DEV_DATA_DIR.postgres);
  const postgres = running
    ? attachLocalPostgres(running.port)
    : await startLocalPostgres({ dataDir: DEV_DATA_DIR.postgres });
  try {
    if (!(await databaseExists(postgres, LOCAL_DATABASE_NAME)))
      await postgres.createDatabase(LOCAL_DATABASE_NAME);
    return await action({
      kind: 'local',
      url: postgres.url(LOCAL_DATABASE_NAME),
      describe: `embedded Postgres (.data/postgres${running ? `, running on port ${running.port}` : ''}), database "${LOCAL_DATABASE_NAME}"`,
      postgres,
    });
  } finally {
    await postgres.stop();
  }
}
