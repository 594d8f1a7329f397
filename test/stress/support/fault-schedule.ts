import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultSettings, SqlEndpoint } from '../../../scripts/local-stack/sql-endpoint';

export interface FaultPhase {
  name: string;
  seconds: number;
  /** One setting held for the whole phase, or several switched through every `switchMs`. */
  faults: readonly FaultSettings[];
  switchMs?: number;
}

/** Delays just under, at and just over a deadline, in an order that crosses it back and forth. */
function acrossTheDeadline(deadlineMs: number): number[] {
  return [-150, 40, -40, 150, -10, 10, -80, 80].map((offset) => deadlineMs + offset);
}

/**
 * What a database in trouble does, one phase each: slow, slow around the request deadline (before the
 * answer, and between its headers and its body), refusing, stalling past the deadline, failing statements
 * with "try again" SQLSTATEs now and then, resetting mid-answer, and waking from a cold start.
 */
export function faultPhases(dbTimeoutMs: number): FaultPhase[] {
  return [
    { name: 'no fault', seconds: 3, faults: [{}] },
    { name: 'delay 150 ms', seconds: 4, faults: [{ delayMs: 150 }] },
    {
      name: 'delay across the deadline',
      seconds: 6,
      faults: acrossTheDeadline(dbTimeoutMs).map((delayMs) => ({ delayMs })),
      switchMs: 400,
    },
    {
      name: 'body late, across the deadline',
      seconds: 5,
      faults: acrossTheDeadline(dbTimeoutMs).map((slowBodyMs) => ({ slowBodyMs })),
      switchMs: 400,
    },
    { name: 'refusing', seconds: 3, faults: [{ refuse: true }] },
    // Longer than the deadline plus the margin: a request that waited for the stall would show.
    { name: 'stall', seconds: 6, faults: [{ stall: true }] },
    {
      name: 'transient statement failures',
      seconds: 4,
      faults: [
        { failQuery: { pattern: '.', code: '40001', message: 'could not serialize access' } },
        {},
        { failQuery: { pattern: '.', code: '57P01', message: 'terminating connection' } },
        {},
      ],
      switchMs: 250,
    },
    { name: 'reset mid-answer', seconds: 3, faults: [{ cutBody: true }] },
    {
      name: 'cold starts',
      seconds: 3,
      faults: [{ firstRequestDelayMs: Math.round(dbTimeoutMs * 0.75) }],
      switchMs: 1000,
    },
  ];
}

/** Holds `phase`'s faults on `database` for its duration, switching through them if it has several. */
export async function holdPhase(phase: FaultPhase, endpoint: SqlEndpoint, database: string): Promise<void> {
  const endsAt = performance.now() + phase.seconds * 1000;
  const switchMs = phase.switchMs ?? phase.seconds * 1000;
  for (let index = 0; performance.now() < endsAt; index++) {
    endpoint.setFaults(phase.faults[index % phase.faults.length] ?? {}, database);
    await sleep(Math.min(switchMs, Math.max(0, endsAt - performance.now())));
  }
  endpoint.clearFaults(database);
}
