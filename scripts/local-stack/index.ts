import { migrateAndSeed } from './migrate';
import { databaseExists, type LocalPostgres, startLocalPostgres } from './postgres';
import { type SqlEndpoint, startSqlEndpoint } from './sql-endpoint';

export interface LocalStack {
  postgres: LocalPostgres;
  endpoint: SqlEndpoint;
  databaseName: string;
  /** What the app needs: its DATABASE_URL and the SQL-over-HTTP endpoint the driver is pointed at. */
  env: { DATABASE_URL: string; NEON_SQL_ENDPOINT: string };
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  dataDir: string;
  databaseName?: string;
  ephemeral?: boolean;
  postgresPort?: number;
  endpointPort?: number;
}

/** Embedded Postgres, migrated and seeded, behind a local endpoint that speaks Neon's SQL-over-HTTP protocol. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const databaseName = options.databaseName ?? 'workshop';
  const postgres = await startLocalPostgres({
    dataDir: options.dataDir,
    ...(options.ephemeral !== undefined ? { ephemeral: options.ephemeral } : {}),
    ...(options.postgresPort !== undefined ? { port: options.postgresPort } : {}),
  });
  try {
    if (!(await databaseExists(postgres, databaseName))) await postgres.createDatabase(databaseName);
    await migrateAndSeed(postgres.url(databaseName));
    const endpoint = await startSqlEndpoint({
      host: '127.0.0.1',
      ...(options.endpointPort !== undefined ? { port: options.endpointPort } : {}),
    });
    return {
      postgres,
      endpoint,
      databaseName,
      env: { DATABASE_URL: postgres.url(databaseName), NEON_SQL_ENDPOINT: endpoint.url },
      stop: async () => {
        await endpoint.close();
        await postgres.stop();
      },
    };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}
