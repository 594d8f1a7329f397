import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RunningCluster {
  pid: number;
  port: number;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user (postgres runs as its own user under root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The Postgres already serving this data directory, if any. Postgres writes postmaster.pid while it runs:
 * line 1 its pid, line 4 its port, line 8 its status once it accepts connections.
 */
export function findRunningCluster(dataDir: string): RunningCluster | undefined {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  if (!Number.isInteger(port) || port <= 0) return undefined;
  return { pid, port };
}
