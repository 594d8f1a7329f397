/**
 * A mixed load while the database misbehaves: FAULT_CLIENTS clients (default 12) over real HTTP on
 * loopback create workshops and build packs (with Idempotency-Keys, retried with the same key while
 * unanswered), save step outputs, complete steps, change members and read, while the local SQL endpoint
 * is switched through delays (some across DB_TIMEOUT_MS, before the answer and between its headers and
 * its body), refusals, a stall longer than the deadline, transient statement failures, resets mid-answer
 * and cold starts (./support/fault-schedule.ts). After each fault clears, /api/health must be back within
 * seconds; at the end everything is read back from Postgres.
 *
 * Invariants, each counted and printed: no acknowledged write lost; no create duplicated per key; no
 * workshop without its owner and ten steps; no 5xx but 503; every 503 with Retry-After; no request past
 * its deadline plus a margin; health back within its bound. The margins come from the configuration and
 * are generous: they must hold on a loaded 2-core machine, and only a request that waited for a fault to
 * end (the stall outlasts them) or a health check that never recovered can break them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app';
import { faultPhases, holdPhase } from './support/fault-schedule';
import { type ServedApp, serveOverHttp } from './support/http-server';
import {
  type ClientState,
  EXPECTED_STATUSES,
  newClient,
  type RunContext,
  step,
} from './support/mixed-client';
import { readBack } from './support/read-back';

const CLIENTS = Number(process.env.FAULT_CLIENTS ?? 12);
const DB_TIMEOUT_MS = 800;
const HEALTH_TIMEOUT_MS = 400;
/** The deadline bounds the database work; the margin covers everything else on a busy machine. */
const REQUEST_BOUND_MS = DB_TIMEOUT_MS + Math.max(3_000, 3 * DB_TIMEOUT_MS);
/** "Within seconds": a few health checks' worth once the fault is gone. */
const HEALTH_BACK_BOUND_MS = HEALTH_TIMEOUT_MS + 4_600;
/** Clean time after each fault, so that late commits land inside the run and the next phase starts afresh. */
const SETTLE_MS = 1_500;
const HEALTH_POLL_MS = 100;

let app: TestApp;
let served: ServedApp | undefined;

beforeAll(async () => {
  app = await createTestApp({
    DB_TIMEOUT_MS: String(DB_TIMEOUT_MS),
    HEALTH_TIMEOUT_MS: String(HEALTH_TIMEOUT_MS),
    WORKSHOP_CAPS: 'pro:999999',
    LOG_LEVEL: 'silent',
  });
  served = await serveOverHttp(app);
});

afterAll(async () => {
  await served?.close();
  await app?.close();
});

/** Milliseconds until /api/health answers 200 again, or Infinity past twice its bound. */
async function healthBack(base: string): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < 2 * HEALTH_BACK_BOUND_MS) {
    const response = await fetch(`${base}/api/health`).catch(() => undefined);
    await response?.body?.cancel();
    if (response?.status === 200) return performance.now() - started;
    await sleep(HEALTH_POLL_MS);
  }
  return Number.POSITIVE_INFINITY;
}

const row = (cells: readonly (string | number)[], widths: readonly number[]) =>
  cells.map((cell, index) => String(cell).padStart(widths[index] ?? 8)).join('  ');

describe(`mixed load under database faults: ${CLIENTS} clients, DB_TIMEOUT_MS ${DB_TIMEOUT_MS}`, () => {
  it('keeps every invariant while delays, refusals, a stall, statement failures, resets and cold starts come and go', async () => {
    const base = served?.base ?? '';
    const run = `mf${Date.now().toString(36)}`;
    const context: RunContext = { base, run, phase: { name: 'setup' }, samples: [] };
    const clients: ClientState[] = [];
    for (let index = 0; index < CLIENTS; index++) {
      const headers = await app.as(`user_${run}_${index}`, { plan: 'pro' });
      const response = await fetch(`${base}/api/workshops`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ originalIdea: `Fault client ${index}` }),
      });
      expect(response.status, await response.clone().text()).toBe(201);
      clients.push(newClient(index, headers, ((await response.json()) as { id: string }).id));
    }

    const started = performance.now();
    let running = true;
    const loops = clients.map(async (client) => {
      while (running) await step(context, client);
    });
    const phases = faultPhases(DB_TIMEOUT_MS);
    const recoveryMs = new Map<string, number>();
    for (const phase of phases) {
      context.phase.name = phase.name;
      await holdPhase(phase, app.endpoint, app.database.name);
      recoveryMs.set(phase.name, await healthBack(base));
      await sleep(SETTLE_MS);
    }
    running = false;
    await Promise.all(loops);
    const seconds = (performance.now() - started) / 1000;
    const back = await readBack(app.database.sql, run, clients);

    const { samples } = context;
    const serverErrors = samples.filter((sample) => sample.status >= 500 && sample.status !== 503);
    const unavailable = samples.filter((sample) => sample.status === 503);
    const withoutRetryAfter = unavailable.filter((sample) => !/^[1-9]\d*$/.test(sample.retryAfter ?? ''));
    const unanswered = samples.filter((sample) => sample.status === 0);
    const unexpected = samples.filter(
      (sample) =>
        sample.status > 0 && sample.status < 500 && !EXPECTED_STATUSES[sample.op].includes(sample.status),
    );
    const tooSlow = samples.filter((sample) => sample.ms > REQUEST_BOUND_MS);
    const slowest = Math.max(...samples.map((sample) => sample.ms));
    const notBack = [...recoveryMs].filter(([, ms]) => ms > HEALTH_BACK_BOUND_MS);
    const slowestRecovery = Math.max(...recoveryMs.values());

    const widths = [32, 8, 6, 5, 5, 5, 7, 14];
    const phaseLines = phases.map((phase) => {
      const of = samples.filter((sample) => sample.phase === phase.name);
      return row(
        [
          phase.name,
          of.length,
          of.filter((sample) => sample.status >= 200 && sample.status < 300).length,
          of.filter((sample) => sample.status === 503).length,
          of.filter((sample) => sample.status >= 400 && sample.status < 500).length,
          of.filter((sample) => sample.status !== 503 && (sample.status < 200 || sample.status >= 500))
            .length,
          Math.round(Math.max(0, ...of.map((sample) => sample.ms))),
          Math.round(recoveryMs.get(phase.name) ?? Number.NaN),
        ],
        widths,
      );
    });
    const invariants: readonly (readonly [string, number, string])[] = [
      ['acknowledged writes lost', back.lost.length, `of ${back.acknowledged} checked`],
      ['creates duplicated per Idempotency-Key', back.duplicated.length, `of ${back.keys} keys`],
      ['workshops without owner and ten steps', back.incomplete.length, `of ${back.workshops}`],
      ['5xx other than 503', serverErrors.length, `of ${samples.length} requests`],
      ['503 without Retry-After', withoutRetryAfter.length, `of ${unavailable.length} × 503`],
      ['requests with no HTTP answer', unanswered.length, ''],
      ['unexpected 4xx', unexpected.length, ''],
      [`requests over ${REQUEST_BOUND_MS} ms`, tooSlow.length, `slowest ${Math.round(slowest)} ms`],
      [
        `health not back within ${HEALTH_BACK_BOUND_MS} ms`,
        notBack.length,
        `slowest ${Math.round(slowestRecovery)} ms`,
      ],
    ];
    const figures = [
      `mixed load under faults: ${CLIENTS} clients, ${seconds.toFixed(1)} s, ${samples.length} requests, DB_TIMEOUT_MS ${DB_TIMEOUT_MS}`,
      row(['phase', 'requests', '2xx', '503', '4xx', 'other', 'max ms', 'health back ms'], widths),
      ...phaseLines,
      '',
      ...invariants.map(([name, n, of]) => `${name.padEnd(44)} ${String(n).padStart(5)}  ${of}`),
      `${'late commits of unacknowledged writes (allowed)'.padEnd(44)} ${String(back.lateCommits).padStart(5)}`,
      `${'unacknowledged keyed creates stored (allowed)'.padEnd(44)} ${String(back.unacknowledgedStored).padStart(5)}`,
      ...[...serverErrors, ...withoutRetryAfter, ...unanswered, ...unexpected, ...tooSlow]
        .slice(0, 10)
        .map(
          (sample) =>
            `  ${sample.phase} ${sample.op} → ${sample.status} in ${Math.round(sample.ms)} ms ${sample.detail}`,
        ),
      ...[...back.lost, ...back.duplicated, ...back.incomplete].slice(0, 10).map((problem) => `  ${problem}`),
    ].join('\n');
    console.log(figures);

    // The faults must have bitten, or the run proved nothing.
    expect(unavailable.length, figures).toBeGreaterThan(0);
    expect(back.acknowledged, figures).toBeGreaterThan(CLIENTS);
    expect(Object.fromEntries(invariants.map(([name, n]) => [name, n])), figures).toEqual(
      Object.fromEntries(invariants.map(([name]) => [name, 0])),
    );
  });
});
