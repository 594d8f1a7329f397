/*
 * npm run bench — the project's performance targets (README, Performance), measured side by side in one
 * run and printed as one table (ratios, never absolute thresholds except where a target is one); every
 * figure also goes to bench/results.json with the machine it ran on.
 *
 *   tsx bench/run.ts [--quick] [--skip-bundle] [--skip-dev] [--only throughput,latency,…]
 *
 * `--only` runs the named parts (round-trips, latency, auth, throughput, profile, rendering, bundle, dev) and prints
 * their rows without touching bench/results.json, which only a full run writes.
 *
 * Exits 0 only when every part ran and every row met its target; 1 when a row missed it or a part broke.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from '../src/app';
import { ADVERSARIAL_KINDS } from '../test/support/adversarial-outputs';
import { authRows, measureAuthOverhead } from './auth-overhead';
import { bundleRows, measureBundle } from './bundle';
import { devStartRows, measureDevStart } from './dev-start';
import { type BenchEnvironment, ROOT, startBenchEnvironment } from './environment';
import { latencyRows, measureLatency } from './latency';
import { round } from './lib/stats';
import { profileRows, profileThroughputRoutes } from './profile';
import { measureRendering, renderingRows } from './rendering';
import { measureRoundTrips, roundTripRows } from './round-trips';
import { buildRouteCases, coverage, listOperations } from './routes';
import { seed } from './seed';
import { machine, missedTarget, printTable, type Row, writeResults } from './table';
import { measureThroughput, throughputRows } from './throughput';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'skip-bundle': { type: 'boolean', default: false },
    'skip-dev': { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});

const STACK_PARTS = ['round-trips', 'latency', 'auth', 'throughput', 'profile', 'rendering'] as const;
const PARTS = [...STACK_PARTS, 'bundle', 'dev'] as const;
const only = flags.only?.split(',').map((part) => part.trim());
const unknownParts = only?.filter((part) => !(PARTS as readonly string[]).includes(part)) ?? [];
if (unknownParts.length > 0) {
  console.error(`unknown --only part(s): ${unknownParts.join(', ')}; known: ${PARTS.join(', ')}`);
  process.exit(2);
}
const runs = (part: (typeof PARTS)[number]) =>
  only
    ? only.includes(part)
    : !(part === 'bundle' && flags['skip-bundle']) && !(part === 'dev' && flags['skip-dev']);
const needsStack = STACK_PARTS.some(runs);

const settings = flags.quick
  ? {
      latency: { requests: 10, warmup: 1, baseline: 5 },
      auth: { rounds: 3, perRound: 1_000, uncachedPerRound: 50 },
      throughput: { concurrencies: [8, 16], warmupMs: 300, roundMs: 1_000, rounds: 2 },
      profile: { concurrency: 8, durationMs: 500 },
      rendering: {
        kinds: ['unbroken-token', 'cjk-without-spaces', 'many-short-lines'] as const,
        repetitions: 1,
      },
    }
  : {
      latency: { requests: 30, warmup: 2, baseline: 10 },
      auth: { rounds: 7, perRound: 4_000, uncachedPerRound: 150 },
      throughput: { concurrencies: [8, 16, 32], warmupMs: 500, roundMs: 1_500, rounds: 4 },
      profile: { concurrency: 8, durationMs: 1_500 },
      rendering: { kinds: ADVERSARIAL_KINDS, repetitions: 1 },
    };

const rows: Row[] = [];
const results: Record<string, unknown> = { machine: machine(), settings };
const phases: Record<string, number> = {};
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  log(`${name}…`);
  const started = performance.now();
  try {
    return await work();
  } finally {
    phases[name] = round((performance.now() - started) / 1000, 1);
    log(`${name} done in ${phases[name]} s`);
  }
}

/** Handlers the app registers that its OpenAPI document does not describe (they would escape the bench). */
function undocumentedRoutes(operations: readonly string[]): string[] {
  const documented = new Set(operations);
  const registered = new Set(
    createApp()
      .routes.filter((route) => route.method !== 'ALL')
      .map((route) => `${route.method} ${route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`),
  );
  return [...registered].filter((route) => !documented.has(route));
}

let env: BenchEnvironment | undefined;
let interrupted = false;
const onSignal = () => {
  if (interrupted) return;
  interrupted = true;
  log('interrupted: stopping what the bench started');
  void (env?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

/** Everything measured against the running local Neon stack and app, each part only if asked for. */
async function measureOnTheStack(): Promise<void> {
  const environment = await phase('start local Neon stack + app', startBenchEnvironment);
  env = environment;
  const fixture = await phase('seed through the API', () => seed(environment));
  results.seed = {
    ...fixture.counts,
    users: fixture.users.length,
    seconds: round(fixture.seedMs / 1000, 1),
  };

  const operations = await listOperations(environment.app);
  const cases = await buildRouteCases(environment, fixture);
  const { missing, stale } = coverage(operations, cases);
  const undocumented = undocumentedRoutes(operations);
  results.routes = { documented: operations, missingCases: missing, staleCases: stale, undocumented };
  const activeCases = cases.filter((routeCase) => !stale.includes(routeCase.operation));
  if (undocumented.length > 0) {
    rows.push({
      section: 'round trips',
      figure: 'routes missing from /api/openapi.json',
      target: 'none',
      measured: undocumented.join(', '),
      verdict: 'FAIL',
      note: 'registered handlers the OpenAPI document does not list are invisible to this bench',
    });
  }

  if (runs('round-trips')) {
    const roundTrips = await phase('round trips per route', () =>
      measureRoundTrips(environment, activeCases),
    );
    results.roundTrips = roundTrips;
    rows.push(...roundTripRows(roundTrips, missing));
  }
  if (runs('latency')) {
    const latency = await phase('latency with injected delay', () =>
      measureLatency(environment, activeCases, settings.latency),
    );
    results.latency = latency;
    rows.push(...latencyRows(latency));
  }
  if (runs('auth')) {
    const auth = await phase('auth overhead', () => measureAuthOverhead(environment, settings.auth));
    results.authOverhead = auth;
    rows.push(...authRows(auth));
  }
  if (runs('throughput')) {
    const throughput = await phase('throughput vs raw driver', () =>
      measureThroughput(environment, fixture, settings.throughput),
    );
    results.throughput = throughput;
    rows.push(...throughputRows(throughput));
  }
  if (runs('profile')) {
    const profiles = await phase('CPU profile of the throughput routes', () =>
      profileThroughputRoutes(environment, fixture, settings.profile),
    );
    results.profiles = profiles;
    rows.push(...profileRows(profiles));
  }

  if (runs('rendering')) {
    const rendering = await phase('build-pack rendering at its worst', () =>
      measureRendering(environment, fixture, settings.rendering),
    );
    results.rendering = rendering;
    rows.push(...renderingRows(rendering));
  }

  await phase('stop local stack + app', () => environment.stop());
  env = undefined;
}

const started = performance.now();
const loadAtStart = loadavg().map((value) => round(value));
try {
  if (needsStack) await measureOnTheStack();
  if (runs('bundle')) {
    const bundle = await phase('bundle (wrangler dry run)', measureBundle);
    results.bundle = bundle;
    rows.push(...bundleRows(bundle));
  }
  if (runs('dev')) {
    const dev = await phase('dev start', () => measureDevStart());
    results.devStart = dev;
    rows.push(...devStartRows(dev));
  }
} catch (error) {
  rows.push({
    section: 'bench',
    figure: 'bench run',
    target: 'completes',
    measured: 'error',
    verdict: 'error',
    note: String(error),
  });
  results.fatal = String(error instanceof Error ? (error.stack ?? error.message) : error);
} finally {
  await env?.stop();
}

const loadAtEnd = loadavg().map((value) => round(value));
results.loadAverage = { start: loadAtStart, end: loadAtEnd };
results.phasesSeconds = phases;
results.totalSeconds = round((performance.now() - started) / 1000, 1);
results.rows = rows;
if (!only) writeResults(join(ROOT, 'bench/results.json'), results);
console.log(printTable(rows));
console.log(
  `\n${results.totalSeconds} s in all on ${machine().cpus} CPUs, Node ${process.version}; load average (1/5/15 min) ` +
    `${loadAtStart.join('/')} at start, ${loadAtEnd.join('/')} at end${only ? '' : '; figures in bench/results.json'}`,
);
process.exit(rows.some(missedTarget) ? 1 : 0);
