import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEV_DATA_DIR } from './dev-paths';
import { findRunningCluster, isAlive } from './local-stack/running-cluster';

/** What a second command needs to know about the dev server that owns .data/postgres. */
export interface RunningServer {
  pid: number;
  command: string;
  url: string;
  postgresPort: number;
}

export function findRunningServer(): RunningServer | undefined {
  if (!existsSync(DEV_DATA_DIR.runningServer)) return undefined;
  try {
    const server = JSON.parse(readFileSync(DEV_DATA_DIR.runningServer, 'utf8')) as RunningServer;
    return isAlive(server.pid) ? server : undefined;
  } catch {
    return undefined;
  }
}

/** Recorded for the life of this process; removed when it exits, however it exits short of SIGKILL. */
export function recordRunningServer(server: Omit<RunningServer, 'pid'>): void {
  mkdirSync(dirname(DEV_DATA_DIR.runningServer), { recursive: true });
  writeFileSync(DEV_DATA_DIR.runningServer, `${JSON.stringify({ pid: process.pid, ...server }, null, 2)}\n`);
  process.on('exit', () => {
    if (findRunningServer()?.pid === process.pid) rmSync(DEV_DATA_DIR.runningServer, { force: true });
  });
}

/**
 * One local stack per data directory: a second `npm run dev` (or `dev:worker`) says who holds it, in one
 * line, and exits 2. The db:* scripts do not come here: they use the running cluster.
 */
export function exitIfLocalStackRunning(): void {
  const server = findRunningServer();
  if (server) {
    console.error(
      `${server.command} is already running on ${server.url} (pid ${server.pid}) with .data/postgres: ` +
        'use it, or stop it (Ctrl-C in its terminal) before starting another.',
    );
    process.exit(2);
  }
  const cluster = findRunningCluster(DEV_DATA_DIR.postgres);
  if (cluster) {
    console.error(
      `a Postgres (pid ${cluster.pid}, port ${cluster.port}) is already running on .data/postgres ` +
        `without a dev server: wait for the db:* command using it to finish, or stop it with kill ${cluster.pid}.`,
    );
    process.exit(2);
  }
}
