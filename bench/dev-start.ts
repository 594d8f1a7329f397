/*
 * `npm run dev` from a warm install to a healthy `/api/health`: spawned with PORT set to a free loopback
 * port, timed from spawn to the first 200, then stopped (SIGINT to the process group this bench created,
 * which lets dev.ts stop its embedded Postgres). In the repo itself, where .data/ is already initialised —
 * unless another dev server holds .data/postgres: then in a scratch copy (sources copied, node_modules
 * linked) after one untimed warm-up start, so that its .data/ is just as warm.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../scripts/local-stack/free-port';
import { ROOT } from './environment';
import { round, sleep } from './lib/stats';
import { type Row, verdict } from './table';

export const DEV_START_TARGET_MS = 5_000;

export interface DevStartRun {
  ms: number;
  /** What dev.ts itself printed ("ready … in N ms"), from its own start to listening. */
  selfReportedMs: number | null;
  healthStatus: number;
  /** From SIGINT to the whole process group gone (Postgres stopped), and the signal that did it. */
  stop: { ms: number; signal: NodeJS.Signals } | null;
}

export interface DevStartResult {
  mode: 'repo' | 'scratch-copy';
  reason: string;
  warmup: DevStartRun | null;
  measured: DevStartRun | null;
  error?: string;
}

function postgresInUse(dataDir: string): boolean {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return false;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function health(port: number): Promise<number> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/api/health`, {
      signal: AbortSignal.timeout(1_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** Live (not zombie) members of a process group, from /proc; falls back to a signal-0 probe elsewhere. */
function groupAlive(pgid: number): boolean {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(pgrp) === pgid && state !== 'Z') return true;
      } catch {
        // The process ended while we looked.
      }
    }
    return false;
  } catch {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Ctrl-C as a terminal would send it (SIGINT to the whole group this bench created), then waits until
 * every process of the group — npm, tsx, dev.ts, its Postgres — is gone; escalates only if it must.
 */
async function stopGroup(child: ChildProcess): Promise<{ ms: number; signal: NodeJS.Signals }> {
  const started = performance.now();
  const pgid = child.pid;
  let last: NodeJS.Signals = 'SIGINT';
  if (pgid !== undefined) {
    for (const [signal, waitMs] of [
      ['SIGINT', 20_000],
      ['SIGTERM', 5_000],
      ['SIGKILL', 2_000],
    ] as const) {
      last = signal;
      signalGroup(child, signal);
      const deadline = performance.now() + waitMs;
      while (groupAlive(pgid) && performance.now() < deadline) await sleep(50);
      if (!groupAlive(pgid)) break;
    }
  }
  child.stdout?.destroy();
  child.stderr?.destroy();
  return { ms: round(performance.now() - started, 0), signal: last };
}

async function startOnce(cwd: string, timeoutMs: number): Promise<DevStartRun> {
  const port = await findFreePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  // The local default is what is measured, not a remote database someone exported in this shell.
  for (const name of ['DATABASE_URL', 'DATABASE_URL_UNPOOLED', 'NEON_SQL_ENDPOINT']) delete env[name];
  const started = performance.now();
  const child = spawn('npm', ['run', 'dev'], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let run: Omit<DevStartRun, 'stop'> | undefined;
  let failure: unknown;
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`npm run dev exited with ${child.exitCode}: ${output.slice(-800)}`);
      const status = await health(port);
      const ms = performance.now() - started;
      if (status === 200) {
        const self = /ready on \S+ in (\d+) ms/.exec(output)?.[1];
        run = { ms: round(ms, 0), selfReportedMs: self ? Number(self) : null, healthStatus: status };
        break;
      }
      if (ms > timeoutMs)
        throw new Error(`no 200 from /api/health within ${timeoutMs} ms: ${output.slice(-800)}`);
      await sleep(50);
    }
  } catch (error) {
    failure = error;
  }
  const stop = await stopGroup(child);
  if (!run) throw failure;
  return { ...run, stop };
}

function scratchCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'workshop-api-bench-dev-'));
  // The embedded Postgres runs as the `postgres` user when we are root: it must be able to traverse this.
  chmodSync(dir, 0o755);
  for (const entry of ['package.json', 'tsconfig.json', 'src', 'scripts', 'drizzle']) {
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

export async function measureDevStart(timeoutMs = 60_000): Promise<DevStartResult> {
  const repoData = join(ROOT, '.data/postgres');
  const inUse = postgresInUse(repoData);
  const mode = inUse ? 'scratch-copy' : 'repo';
  const reason = inUse
    ? 'another dev server holds .data/postgres in the repo, so a scratch copy was used after one warm-up start'
    : 'in the repo, with its existing .data/';
  const scratch = inUse ? scratchCopy() : undefined;
  try {
    const cwd = scratch ?? ROOT;
    const needsWarmup = inUse || !existsSync(join(repoData, 'PG_VERSION'));
    const warmup = needsWarmup ? await startOnce(cwd, timeoutMs) : null;
    const measured = await startOnce(cwd, timeoutMs);
    return { mode, reason, warmup, measured };
  } catch (error) {
    return { mode, reason, warmup: null, measured: null, error: String(error) };
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

export function devStartRows(result: DevStartResult): Row[] {
  const section = 'dev start';
  const figure = `npm run dev → /api/health 200 (${result.mode})`;
  const target = `≤ ${DEV_START_TARGET_MS / 1000} s`;
  if (!result.measured)
    return [{ section, figure, target, measured: 'error', verdict: 'error', note: result.error ?? '' }];
  const self =
    result.measured.selfReportedMs === null
      ? ''
      : `; dev.ts says ready in ${result.measured.selfReportedMs} ms`;
  const rows: Row[] = [
    {
      section,
      figure,
      target,
      measured: `${(result.measured.ms / 1000).toFixed(2)} s${self}`,
      verdict: verdict(result.measured.ms <= DEV_START_TARGET_MS),
    },
  ];
  if (result.measured.stop) {
    rows.push({
      section,
      figure: 'Ctrl-C (SIGINT to the group) → every dev process gone',
      target: 'info',
      measured: `${(result.measured.stop.ms / 1000).toFixed(2)} s${result.measured.stop.signal === 'SIGINT' ? '' : ` (needed ${result.measured.stop.signal})`}`,
      verdict: 'info',
    });
  }
  return rows;
}
