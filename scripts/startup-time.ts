import { readFileSync } from 'node:fs';

/** Linux's clock tick (getconf CLK_TCK) is 100 Hz on every architecture Node supports. */
const TICK_MS = 10;

interface ProcessStat {
  ppid: number;
  pgrp: number;
  startTicks: number;
}

function readStat(pid: number): ProcessStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces or parentheses: fields are counted after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), pgrp: Number(fields[2]), startTicks: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

/**
 * How long the user has waited, and since what. `npm run dev` is npm, a shell, tsx and then this Node
 * process: together about a second before this process starts. On Linux they are this process's ancestors
 * in its process group (the job the shell started), so the wait counts from the oldest of them; elsewhere
 * only from this process's start, and the label says so.
 */
export function waitedSinceLaunch(): { ms: number; since: string } {
  const ownMs = process.uptime() * 1000;
  const own = readStat(process.pid);
  if (!own) return { ms: ownMs, since: 'since Node started; npm and tsx start-up not included' };
  let earliest = own.startTicks;
  let ancestor = readStat(own.ppid);
  while (ancestor && ancestor.pgrp === own.pgrp) {
    earliest = Math.min(earliest, ancestor.startTicks);
    ancestor = ancestor.ppid > 1 ? readStat(ancestor.ppid) : undefined;
  }
  return { ms: ownMs + (own.startTicks - earliest) * TICK_MS, since: 'since the command started' };
}
