/*
 * npm run bench:scale — a request's cost grows with its page, never with the database. In one run:
 *   1. the usual bench data, written through the API (the "small" database), and a workshop whose nine
 *      outputs sit at the 256 KiB limit; every route measured (buffers per request, p50);
 *   2. a large database added set-based (100,000 workshops with their steps, owners, extra members,
 *      sessions, packs and outputs, plus a caller at the team cap of 500 workshops and one with 20);
 *   3. every route measured again for the same caller, then the list for the two list callers, and the
 *      list's plan for the busy one.
 * Prints one table, writes bench/scale-results.json, exits 1 when any row misses its target.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { type BenchEnvironment, ROOT, startBenchEnvironment } from '../environment';
import { round } from '../lib/stats';
import { buildRouteCases, caseLabel, coverage, listOperations, type PreparedRequest } from '../routes';
import { seed } from '../seed';
import { machine, missedTarget, printTable, type Row, verdict, writeResults } from '../table';
import { btreeLevels, deeperTreePages, explainText, tableIndexes } from './buffers';
import { type BulkSeedResult, bulkSeed } from './bulk-seed';
import { seedContextAtLimit } from './context-at-limit';
import { type Figure, failedFigure, measureRequests, type Probe, requestsNeeded } from './measure';

const TIMED = 15;
const SAME_CALLER_MAX_RATIO = 1.2;
const BUSY_PAGE_MAX_RATIO = 2;
const CONTEXT_MAX_COPIES = 1.1;
const RUN_LIMIT_SECONDS = 600;
// `--workshops N` shrinks the large database for a quick look; the targets are meant for the default.
const { values: flags } = parseArgs({ options: { workshops: { type: 'string', default: '100000' } } });
const LARGE_WORKSHOPS = Number(flags.workshops);
const BUSY = 'user_scale_busy';
const TWENTY = 'user_scale_twenty';

const started = performance.now();
const loadAtStart = loadavg().map((value) => round(value));
const rows: Row[] = [];
const results: Record<string, unknown> = { machine: machine() };
const phases: Record<string, number> = {};

async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  const at = performance.now();
  process.stdout.write(`… ${name}\n`);
  try {
    return await work();
  } finally {
    phases[name] = round((performance.now() - at) / 1000, 1);
  }
}

const times = <T>(count: number, request: T): T[] => Array.from({ length: count }, () => request);

async function measureEvery(
  probe: Probe,
  cases: Awaited<ReturnType<typeof buildRouteCases>>,
): Promise<Map<string, Figure>> {
  const figures = new Map<string, Figure>();
  for (const routeCase of cases) {
    const label = caseLabel(routeCase);
    try {
      const requests = await routeCase.prepare(requestsNeeded(TIMED));
      figures.set(label, await measureRequests(probe, label, requests));
    } catch (error) {
      figures.set(label, failedFigure(label, error));
    }
  }
  return figures;
}

const ratio = (value: number, base: number) =>
  base === 0 ? (value === 0 ? 1 : Number.POSITIVE_INFINITY) : value / base;

type Levels = Map<string, number>;
/**
 * A page of the same rows costs more pages on a larger database in two ways that do not grow with it: each
 * B-tree is a level or two taller (counted exactly, see buffers.ts), and rows the bench's own writes updated
 * between the two measurements sit on other heap pages (a few pages: the slack below).
 */
const LAYOUT_SLACK_PAGES = 4;
const SAME_CALLER_TARGET = `rows ≤ ${SAME_CALLER_MAX_RATIO} × small; buffers beyond taller B-trees ≤ ${SAME_CALLER_MAX_RATIO} × small + ${LAYOUT_SLACK_PAGES}`;

function sameCallerRow(
  small: Figure,
  large: Figure | undefined,
  levels: { small: Levels; large: Levels },
): Row {
  const section = 'same caller: small → large database';
  if (!large || small.error || large.error) {
    return {
      section,
      figure: small.label,
      target: SAME_CALLER_TARGET,
      measured: 'error',
      verdict: 'error',
      note: small.error ?? large?.error ?? 'not measured on the large database',
    };
  }
  const taller = deeperTreePages(large.cost.descents, levels.small, levels.large);
  const buffersRatio = ratio(large.buffers - taller, small.buffers);
  const rowsRatio = ratio(large.cost.rows, small.cost.rows);
  return {
    section,
    figure: small.label,
    target: SAME_CALLER_TARGET,
    measured:
      `${small.buffers} → ${large.buffers} buf, ${taller} of them taller trees (×${round(buffersRatio)}); ` +
      `rows ${small.cost.rows} → ${large.cost.rows}; p50 ${small.p50} → ${large.p50} ms`,
    verdict: verdict(
      large.buffers - taller <= SAME_CALLER_MAX_RATIO * small.buffers + LAYOUT_SLACK_PAGES &&
        rowsRatio <= SAME_CALLER_MAX_RATIO,
    ),
  };
}

function withCursor(request: PreparedRequest, cursor: string): PreparedRequest {
  return { ...request, path: `${request.path}&cursor=${encodeURIComponent(cursor)}` };
}

let env: BenchEnvironment | undefined;
let client: pg.Client | undefined;
try {
  env = await phase('start local stack + app', startBenchEnvironment);
  const bench = env;
  client = new pg.Client({ connectionString: bench.config.DATABASE_URL });
  await client.connect();
  const db = client;

  const fixture = await phase('seed the small database through the API', () => seed(bench));
  const contextAtLimit = await phase('nine outputs at the 256 KiB limit', () =>
    seedContextAtLimit(bench, fixture),
  );
  await db.query('vacuum analyze');
  const cases = await buildRouteCases(bench, fixture);
  const { missing } = coverage(await listOperations(bench.app), cases);
  if (missing.length > 0) throw new Error(`routes without a bench request: ${missing.join(', ')}`);

  const contextCase = (include?: string): PreparedRequest => ({
    method: 'GET',
    path: `${contextAtLimit.path}${include ? `?include=${include}` : ''}`,
    headers: fixture.main.owner.auth,
    expect: [200],
  });
  const probe: Probe = { env: bench, client: db, indexes: await tableIndexes(db) };
  const since = (await db.query<{ now: Date }>('select clock_timestamp() as now')).rows[0]?.now;
  const small = await phase('every route, small database', () => measureEvery(probe, cases));
  const contextLabel = 'context at the 256 KiB maximum';
  const contextSmall = await measureRequests(
    probe,
    contextLabel,
    times(requestsNeeded(TIMED), contextCase()),
  );
  const defaultBytes = (await bench.app.expect(contextCase(), [200])).body.byteLength;
  const bothBytes = (await bench.app.expect(contextCase('both'), [200])).body.byteLength;
  const bothFigure = await measureRequests(
    probe,
    `${contextLabel}, include=both`,
    times(requestsNeeded(TIMED), contextCase('both')),
  );

  // The same caller meets the same rows on the large database: what the write cases added goes again.
  await db.query(
    `with gone_workshops as (delete from workshops where created_at >= $1),
       gone_members as (delete from workshop_members where created_at >= $1),
       gone_sessions as (delete from sessions where started_at >= $1)
     delete from build_packs where created_at >= $1`,
    [since],
  );
  const smallLevels = await btreeLevels(db);
  const seeded: BulkSeedResult = await phase('seed the large database (set-based SQL)', () =>
    bulkSeed(db, [
      {
        tag: 'bulk',
        count: LARGE_WORKSHOPS,
        owner: `'user_bulk_' || (n % 60000)`,
        extraMembers: { users: 60_000 },
      },
      { tag: 'busy', count: 500, owner: `'${BUSY}'` },
      { tag: 'twenty', count: 20, owner: `'${TWENTY}'` },
    ]),
  );
  results.largeSeed = seeded;
  const levels = { small: smallLevels, large: await btreeLevels(db) };
  results.btreeLevels = Object.fromEntries(
    [...levels.large].map(([index, level]) => [index, `${levels.small.get(index) ?? 0} → ${level}`]),
  );

  const large = await phase('every route, large database', () => measureEvery(probe, cases));
  const contextLarge = await measureRequests(
    probe,
    contextLabel,
    times(requestsNeeded(TIMED), contextCase()),
  );

  const asUser = async (userId: string) => ({ Authorization: `Bearer ${await bench.token(userId)}` });
  const [busyAuth, twentyAuth] = [await asUser(BUSY), await asUser(TWENTY)];
  const list = (auth: Record<string, string>, query: string): PreparedRequest => ({
    method: 'GET',
    path: `/api/workshops?${query}`,
    headers: auth,
    expect: [200],
  });
  const callerFigures = await phase('the list for the busy caller and the caller with 20', async () => {
    const measure = (label: string, request: PreparedRequest) =>
      measureRequests(probe, label, times(requestsNeeded(TIMED), request));
    const firstPage = await bench.app.json<{ nextCursor: string | null }>(list(busyAuth, 'limit=20'));
    return {
      busy20: await measure('busy: list, limit 20', list(busyAuth, 'limit=20')),
      twenty20: await measure('20 workshops: list, limit 20', list(twentyAuth, 'limit=20')),
      busy100: await measure('busy: list, limit 100', list(busyAuth, 'limit=100')),
      busyNext: await measure(
        'busy: list, second page of 20',
        withCursor(list(busyAuth, 'limit=20'), firstPage.nextCursor ?? ''),
      ),
      busyStatus: await measure(
        'busy: list, status=paused, limit 20',
        list(busyAuth, 'status=paused&limit=20'),
      ),
      busyMe: await measure('busy: GET /api/me', {
        method: 'GET',
        path: '/api/me',
        headers: busyAuth,
        expect: [200],
      }),
    };
  });

  const listStatement = callerFigures.busy20.statements[0]?.statements[0];
  const plan = listStatement ? await explainText(db, listStatement.query, listStatement.params) : [];
  results.busyListPlan = plan;

  const summary = (figure: Figure | undefined) =>
    figure && { buffers: figure.buffers, rows: figure.cost.rows, p50: figure.p50, error: figure.error };
  results.sameCaller = [...small].map(([label, figure]) => ({
    route: label,
    small: summary(figure),
    large: summary(large.get(label)),
    tallerTreePages: deeperTreePages(
      large.get(label)?.cost.descents ?? new Map(),
      levels.small,
      levels.large,
    ),
  }));
  for (const [label, figure] of small) rows.push(sameCallerRow(figure, large.get(label), levels));
  // The plans of the statements behind a missed row, to see what it read (a write's plan is rolled back).
  const missedPlans: Record<string, string[]> = {};
  for (const row of rows.filter(missedTarget)) {
    for (const request of large.get(row.figure)?.statements ?? []) {
      for (const statement of request.statements) {
        missedPlans[row.figure] = [
          ...(missedPlans[row.figure] ?? []),
          ...(await explainText(db, statement.query, statement.params)),
        ];
      }
    }
  }
  results.missedPlans = missedPlans;
  rows.push(sameCallerRow(contextSmall, contextLarge, levels));

  const section = 'busy caller (500 workshops), large database';
  const pageRatio = ratio(callerFigures.busy20.buffers, callerFigures.twenty20.buffers);
  rows.push({
    section,
    figure: 'GET /api/workshops?limit=20: busy vs 20 workshops',
    target: `buffers ≤ ${BUSY_PAGE_MAX_RATIO} × the caller with 20`,
    measured: `${callerFigures.busy20.buffers} vs ${callerFigures.twenty20.buffers} buf (×${round(pageRatio)}); p50 ${callerFigures.busy20.p50} vs ${callerFigures.twenty20.p50} ms`,
    verdict: verdict(pageRatio <= BUSY_PAGE_MAX_RATIO),
  });
  for (const figure of [
    callerFigures.busy100,
    callerFigures.busyNext,
    callerFigures.busyStatus,
    callerFigures.busyMe,
  ]) {
    rows.push({
      section,
      figure: figure.label,
      target: 'shown',
      measured: `${figure.buffers} buf; p50 ${figure.p50} ms`,
      verdict: 'info',
    });
  }

  // The page comes off the caller's index range, in order: 21 rows (20, and one to tell there are more).
  const memberLine =
    plan.find((line) => line.includes('workshop_members_user_list_idx'))?.trim() ?? 'not found';
  const pageRows = Number(
    /using workshop_members_user_list_idx .*actual rows=(\d+) loops=1\)/.exec(memberLine)?.[1],
  );
  const wholeTable = plan.some((line) => /Seq Scan on (workshop_members|workshops)\b/.test(line));
  rows.push({
    section: 'list plan, busy caller',
    figure: 'GET /api/workshops?limit=20',
    target: "one index range of the caller's memberships, in list order, ≤ 21 rows; no Seq Scan",
    measured: memberLine.replace(/^->\s*/, ''),
    verdict: verdict(pageRows <= 21 && !wholeTable),
  });

  const copies = defaultBytes / contextAtLimit.outputBytes;
  rows.push({
    section: 'context answer at the 256 KiB maximum (nine earlier outputs)',
    figure: 'bytes, default form (prompt)',
    target: `≤ ${CONTEXT_MAX_COPIES} × the outputs (one copy)`,
    measured: `${defaultBytes} B = ×${round(copies)} of ${contextAtLimit.outputBytes} B; p50 ${contextSmall.p50} ms`,
    verdict: verdict(copies <= CONTEXT_MAX_COPIES),
  });
  rows.push({
    section: 'context answer at the 256 KiB maximum (nine earlier outputs)',
    figure: 'bytes, include=both',
    target: 'shown',
    measured: `${bothBytes} B = ×${round(bothBytes / contextAtLimit.outputBytes)}; p50 ${bothFigure.p50} ms`,
    verdict: 'info',
  });

  const totals = seeded.rows;
  rows.push({
    section: 'run',
    figure: 'large database seeded',
    target: 'shown',
    measured: `${round(seeded.seconds, 1)} s: ${totals.workshops} workshops, ${totals.memberships} memberships, ${totals.steps} steps (${totals.outputs} outputs), ${totals.sessions} sessions, ${totals.packs} packs; ${seeded.databaseMiB} MiB`,
    verdict: 'info',
  });
} catch (error) {
  rows.push({
    section: 'run',
    figure: 'bench run',
    target: 'completes',
    measured: 'error',
    verdict: 'error',
    note: String(error instanceof Error ? (error.stack ?? error.message) : error),
  });
} finally {
  await client?.end().catch(() => {});
  await env?.stop();
}

const totalSeconds = round((performance.now() - started) / 1000, 1);
rows.push({
  section: 'run',
  figure: 'whole run',
  target: `< ${RUN_LIMIT_SECONDS} s`,
  measured: `${totalSeconds} s`,
  verdict: verdict(totalSeconds < RUN_LIMIT_SECONDS),
});
results.loadAverage = { start: loadAtStart, end: loadavg().map((value) => round(value)) };
results.phasesSeconds = phases;
results.totalSeconds = totalSeconds;
results.rows = rows.map(({ section, figure, target, measured, verdict: result }) => ({
  section,
  figure,
  target,
  measured,
  verdict: result,
}));
writeResults(join(ROOT, 'bench/scale-results.json'), results);
console.log(printTable(rows));
if (Array.isArray(results.busyListPlan))
  console.log(`\nbusy caller's list plan:\n${results.busyListPlan.join('\n')}`);
console.log(`\n${totalSeconds} s in all; figures in bench/scale-results.json`);
process.exit(rows.some(missedTarget) ? 1 : 0);
