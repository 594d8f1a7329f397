import { readFileSync } from 'node:fs';

/** Linux's clock tick (getconf CLK_TCK) is 100 Hz on every architecture Node supports. */
const TICK_MS = 10;

interface ProcessStat {
  ppid: number;
  startTicks: number;
}

function readStat(pid: number): ProcessStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces or parentheses: fields are counted after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), startTicks: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

function runsScript(pid: number, script: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .includes(`npm_lifecycle_script=${script}`);
  } catch {
    return false;
  }
}

/**
 * How long the user has waited, and since what. `npm run dev` is npm, then a shell, tsx and this Node
 * process, which together start about a second before this process does. On Linux, when npm launched this
 * script, the processes npm started for it (they carry its npm_lifecycle_script) and npm itself are found
 * among the ancestors, and the wait counts from npm's start; otherwise from this process's start, and the
 * label says so.
 */
export function waitedSinceLaunch(scriptFile: string): { ms: number; since: string } {
  const ownMs = process.uptime() * 1000;
  const fromNode = { ms: ownMs, since: 'since Node started; npm and tsx start-up not included' };
  // Only when npm ran this very file (`tsx scripts/dev.ts`), not a test runner that spawned it.
  const script = process.env.npm_lifecycle_script;
  const own = readStat(process.pid);
  if (!script?.includes(scriptFile) || !own) return fromNode;
  let ancestorPid = own.ppid;
  let ancestor = readStat(ancestorPid);
  while (ancestor && runsScript(ancestorPid, script)) {
    ancestorPid = ancestor.ppid;
    ancestor = readStat(ancestorPid);
  }
  // `ancestor` is now npm itself: the first process without the script's variables.
  if (!ancestor) return fromNode;
  return { ms: ownMs + (own.startTicks - ancestor.startTicks) * TICK_MS, since: 'since npm started' };
}
