import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { EmbeddedPostgres, startCluster, stopCluster } from './embedded-postgres';
import { findFreePort } from './free-port';
import { isAlive } from './running-cluster';

/** Neon gives new projects Postgres 17; the embedded binaries are pinned to the same major in package.json. */
export const POSTGRES_MAJOR = 17;

const USER = 'postgres';
const PASSWORD = 'local-only-password';
const HOST = '127.0.0.1';

export interface LocalPostgres {
  port: number;
  /** Connection string for a database on this cluster. */
  url(database?: string): string;
  admin(): pg.Client;
  createDatabase(name: string, template?: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  dataDir: string;
  port?: number;
  /** Remove the data directory when stopped (tests); dev keeps it. */
  ephemeral?: boolean;
}

export async function startLocalPostgres(options: StartOptions): Promise<LocalPostgres> {
  const port = options.port ?? (await findFreePort());
  const isNew = !existsSync(join(options.dataDir, 'PG_VERSION'));
  clearStalePid(options.dataDir);

  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: !options.ephemeral,
    // Postgres refuses to run as root; the library creates and uses a `postgres` OS user instead.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', `listen_addresses=${HOST}`, '-c', 'max_connections=200', '-c', 'fsync=off'],
    onLog: () => {},
    onError: (error) => {
      if (process.env.DEBUG_POSTGRES) console.error(error);
    },
  });

  if (isNew) await server.initialise();
  try {
    await startCluster(server);
  } catch (error) {
    // The library rejects with `undefined` when postgres exits early; say where to look instead.
    const reason = error instanceof Error ? error.message : 'postgres exited during start-up';
    throw new Error(
      `embedded Postgres did not start on ${HOST}:${port} (data in ${options.dataDir}): ${reason}; ` +
        'DEBUG_POSTGRES=1 shows its log',
    );
  }

  return clusterOn(port, async () => {
    await stopCluster(server);
    if (options.ephemeral) rmSync(options.dataDir, { recursive: true, force: true });
  });
}

/** A cluster another process started and keeps running (`npm run dev`): used here, never stopped here. */
export function attachLocalPostgres(port: number): LocalPostgres {
  return clusterOn(port, async () => {});
}

function clusterOn(port: number, stop: () => Promise<void>): LocalPostgres {
  const url = (database = 'postgres') =>
    `postgresql://${USER}:${PASSWORD}@${HOST}:${port}/${encodeURIComponent(database)}`;
  const admin = () => new pg.Client({ connectionString: url('postgres') });

  const withAdmin = async (statement: string) => {
    const client = admin();
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };

  return {
    port,
    url,
    admin,
    createDatabase: (name, template) =>
      withAdmin(`CREATE DATABASE ${quoteIdent(name)}${template ? ` TEMPLATE ${quoteIdent(template)}` : ''}`),
    dropDatabase: (name) => withAdmin(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
    stop,
  };
}

export async function databaseExists(localPg: LocalPostgres, name: string): Promise<boolean> {
  const client = localPg.admin();
  await client.connect();
  try {
    const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return result.rowCount === 1;
  } finally {
    await client.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A killed parent leaves postmaster.pid behind; if that process is gone the file only blocks the next start. */
function clearStalePid(dataDir: string): void {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) return;
  rmSync(pidFile, { force: true });
}
