/**
 * A bounded loopback load test: the app served over real HTTP by @hono/node-server on 127.0.0.1, the
 * local SQL endpoint and embedded Postgres behind it, and CLIENTS concurrent clients for LOAD_SECONDS
 * (default 50 and 60) doing what the product does: list, read a workshop, its steps, one step, save an
 * output (a unique marker per write), complete the current step, fetch step context, create build packs
 * and read their content, now and then start a workshop. Each client owns its workshop, so its writes are
 * sequential and their final state is known.
 *
 * Targets: error rate < 0.1 %; afterwards in the database every acknowledged write is present exactly
 * once (markers counted), nothing unacknowledged appears twice, and each client's session is one row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_IDS } from '../../src/domain/step-catalogue';
import { MAX_BUILD_PACKS_PER_WORKSHOP } from '../../src/domain/storage-limits';
import { createTestApp, type TestApp } from '../support/test-app';
import { type ServedApp, serveOverHttp } from './support/http-server';

const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 50);
const MAX_ERROR_RATE = 0.001;
const RUN = `load${Date.now().toString(36)}`;

let app: TestApp;
let served: ServedApp | undefined;
let base: string;

beforeAll(async () => {
  app = await createTestApp({ WORKSHOP_CAPS: 'pro:999999', LOG_LEVEL: 'error' });
  served = await serveOverHttp(app);
  base = served.base;
});

afterAll(async () => {
  await served?.close();
  await app?.close();
});

type Op = 'list' | 'get' | 'steps' | 'step' | 'save' | 'complete' | 'context' | 'pack' | 'content' | 'create';

/** Relative frequencies: reads dominate, as in the product; saves are the common write. */
const MIX: readonly (readonly [Op, number])[] = [
  ['list', 10],
  ['get', 12],
  ['steps', 10],
  ['step', 10],
  ['save', 24],
  ['complete', 4],
  ['context', 12],
  ['pack', 5],
  ['content', 11],
  ['create', 2],
];
const MIX_TOTAL = MIX.reduce((sum, [, weight]) => sum + weight, 0);

function pickOp(): Op {
  let roll = Math.random() * MIX_TOTAL;
  for (const [op, weight] of MIX) {
    roll -= weight;
    if (roll < 0) return op;
  }
  return 'list';
}

interface Sample {
  op: Op;
  ms: number;
  status: number;
  ok: boolean;
  error?: string;
}

interface Write {
  marker: string;
  acked: boolean;
  kind: 'output' | 'pack' | 'workshop';
  stepId?: string;
  workshopId?: string;
  /** A pack deleted again to make room: acknowledged, and rightly gone. */
  deleted?: boolean;
}

interface Client {
  index: number;
  userId: string;
  headers: Record<string, string>;
  workshopId: string;
  sessionId: string | null;
  completed: number;
  packs: { id: string; format: string; write: Write }[];
  writes: Write[];
  seq: number;
}

const samples: Sample[] = [];

async function call(
  client: Client,
  op: Op,
  method: string,
  path: string,
  expected: number,
  body?: unknown,
): Promise<{ ok: boolean; json: unknown }> {
  const headers: Record<string, string> = { ...client.headers };
  if (client.sessionId) headers['X-Session-Id'] = client.sessionId;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const started = performance.now();
  try {
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    const ok = response.status === expected;
    const sessionId = response.headers.get('x-session-id');
    if (ok && sessionId && path.startsWith(`/api/workshops/${client.workshopId}/steps`))
      client.sessionId = sessionId;
    samples.push({ op, ms, status: response.status, ok, ...(ok ? {} : { error: text.slice(0, 200) }) });
    let json: unknown;
    if (ok && response.headers.get('content-type')?.includes('json')) json = JSON.parse(text);
    return { ok, json };
  } catch (error) {
    samples.push({ op, ms: performance.now() - started, status: 0, ok: false, error: String(error) });
    return { ok: false, json: undefined };
  }
}

const randomInt = (below: number) => Math.floor(Math.random() * below);

async function step(client: Client): Promise<void> {
  const op = pickOp();
  const ws = `/api/workshops/${client.workshopId}`;
  const availableStep = () =>
    STEP_IDS[randomInt(Math.min(client.completed + 1, STEP_IDS.length))] ?? 'challenge';
  switch (op) {
    case 'list':
      await call(client, op, 'GET', '/api/workshops?limit=20', 200);
      return;
    case 'get':
      await call(client, op, 'GET', ws, 200);
      return;
    case 'steps':
      await call(client, op, 'GET', `${ws}/steps`, 200);
      return;
    case 'step':
      await call(client, op, 'GET', `${ws}/steps/${availableStep()}`, 200);
      return;
    case 'context':
      await call(client, op, 'GET', `${ws}/steps/${availableStep()}/context`, 200);
      return;
    case 'save': {
      const stepId = availableStep();
      const marker = `${RUN}-o-${client.index}-${client.seq++}`;
      const write: Write = { marker, acked: false, kind: 'output', stepId, workshopId: client.workshopId };
      client.writes.push(write);
      const output = { marker, notes: `Saved by client ${client.index}`, items: [1, 2, 3], at: Date.now() };
      write.acked = (await call(client, op, 'PUT', `${ws}/steps/${stepId}/output`, 200, { output })).ok;
      return;
    }
    case 'complete': {
      const stepId = STEP_IDS[Math.min(client.completed, STEP_IDS.length - 1)] ?? 'validate';
      const { ok } = await call(client, op, 'POST', `${ws}/steps/${stepId}/complete`, 200, { by: 'ai' });
      if (ok) client.completed = Math.min(client.completed + 1, STEP_IDS.length);
      return;
    }
    case 'pack': {
      // A workshop holds a bounded number of packs: at the limit, make room as a user would.
      const oldest = client.packs[0];
      if (oldest && client.packs.length >= MAX_BUILD_PACKS_PER_WORKSHOP) {
        const { ok } = await call(client, op, 'DELETE', `${ws}/build-packs/${oldest.id}`, 204);
        if (ok) {
          client.packs.shift();
          oldest.write.deleted = true;
        }
        return;
      }
      const marker = `${RUN}-p-${client.index}-${client.seq++}`;
      const format = Math.random() < 0.5 ? 'markdown' : 'json';
      const write: Write = { marker, acked: false, kind: 'pack', workshopId: client.workshopId };
      client.writes.push(write);
      const { ok, json } = await call(client, op, 'POST', `${ws}/build-packs`, 201, {
        format,
        title: marker,
      });
      write.acked = ok;
      if (ok) client.packs.push({ id: (json as { id: string }).id, format, write });
      return;
    }
    case 'content': {
      const pack = client.packs[randomInt(client.packs.length)];
      if (!pack) return step(client);
      await call(client, op, 'GET', `${ws}/build-packs/${pack.id}/content`, 200);
      return;
    }
    case 'create': {
      const marker = `${RUN}-w-${client.index}-${client.seq++}`;
      const write: Write = { marker, acked: false, kind: 'workshop' };
      client.writes.push(write);
      write.acked = (
        await call(client, op, 'POST', '/api/workshops', 201, {
          originalIdea: `Load idea ${marker}`,
          title: marker,
        })
      ).ok;
      return;
    }
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

describe(`load: ${CLIENTS} clients for ${LOAD_SECONDS} s over loopback HTTP`, () => {
  const clients: Client[] = [];

  it('runs the mix with an error rate under 0.1 %', async () => {
    for (let index = 0; index < CLIENTS; index++) {
      const userId = `user_load_${index}`;
      const headers = await app.as(userId, { plan: 'pro' });
      const response = await fetch(`${base}/api/workshops`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ originalIdea: `Load client ${index}`, title: `${RUN}-fixture-${index}` }),
      });
      expect(response.status, await response.clone().text()).toBe(201);
      const { id } = (await response.json()) as { id: string };
      clients.push({
        index,
        userId,
        headers,
        workshopId: id,
        sessionId: null,
        completed: 0,
        packs: [],
        writes: [],
        seq: 0,
      });
    }

    const deadline = performance.now() + LOAD_SECONDS * 1000;
    const started = performance.now();
    await Promise.all(
      clients.map(async (client) => {
        while (performance.now() < deadline) await step(client);
      }),
    );
    const seconds = (performance.now() - started) / 1000;

    const latencies = samples.map((sample) => sample.ms).sort((a, b) => a - b);
    const errors = samples.filter((sample) => !sample.ok);
    const byOp = MIX.map(([op]) => {
      const of = samples.filter((sample) => sample.op === op);
      const sorted = of.map((sample) => sample.ms).sort((a, b) => a - b);
      return `${op.padEnd(8)} ${String(of.length).padStart(7)}  p50 ${percentile(sorted, 50).toFixed(1).padStart(7)} ms  p95 ${percentile(sorted, 95).toFixed(1).padStart(7)} ms  errors ${of.filter((sample) => !sample.ok).length}`;
    });
    const summary = [
      `load: ${CLIENTS} clients, ${seconds.toFixed(1)} s`,
      `requests ${samples.length}, ${(samples.length / seconds).toFixed(0)} req/s`,
      `latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${percentile(latencies, 100).toFixed(1)} ms`,
      `errors ${errors.length} (${((errors.length / Math.max(1, samples.length)) * 100).toFixed(3)} %)`,
      ...byOp,
      ...errors.slice(0, 10).map((error) => `  ${error.op} → ${error.status}: ${error.error}`),
    ].join('\n');
    console.log(summary);

    expect(samples.length).toBeGreaterThan(CLIENTS * LOAD_SECONDS);
    expect(errors.length / samples.length, summary).toBeLessThan(MAX_ERROR_RATE);
  });

  it('every acknowledged write is in the database exactly once; nothing unacknowledged twice', async () => {
    const writes = clients.flatMap((client) => client.writes);
    expect(writes.length).toBeGreaterThan(0);
    const counted = async (text: string): Promise<Map<string, number>> => {
      const { rows } = await app.database.sql.query<{ marker: string; n: number }>(text, [`${RUN}-%`]);
      return new Map(rows.map((row) => [row.marker, row.n]));
    };
    const packs = await counted(
      'select title as marker, count(*)::int as n from build_packs where title like $1 group by title',
    );
    const workshops = await counted(
      'select title as marker, count(*)::int as n from workshops where title like $1 group by title',
    );
    const outputs = await counted(
      `select output ->> 'marker' as marker, count(*)::int as n from workshop_steps
        where output ->> 'marker' like $1 group by 1`,
    );

    const problems: string[] = [];
    for (const [marker, n] of [...packs, ...workshops, ...outputs]) {
      if (n > 1) problems.push(`${marker} stored ${n} times`);
    }
    for (const write of writes) {
      if (write.kind === 'pack' && write.acked && !write.deleted && packs.get(write.marker) !== 1)
        problems.push(`pack ${write.marker} acknowledged but stored ${packs.get(write.marker) ?? 0} times`);
      if (write.kind === 'workshop' && write.acked && workshops.get(write.marker) !== 1)
        problems.push(
          `workshop ${write.marker} acknowledged but stored ${workshops.get(write.marker) ?? 0} times`,
        );
    }

    // Outputs are overwritten: each step must hold the client's last acknowledged write to it, unless a
    // later, unacknowledged write to that step went through.
    for (const client of clients) {
      const { rows } = await app.database.sql.query<{ step_id: string; marker: string | null }>(
        `select step_id, output ->> 'marker' as marker from workshop_steps where workshop_id = $1`,
        [client.workshopId],
      );
      const stored = new Map(rows.map((row) => [row.step_id, row.marker]));
      for (const stepId of STEP_IDS) {
        const toStep = client.writes.filter((write) => write.kind === 'output' && write.stepId === stepId);
        const lastAcked = toStep.map((write) => write.acked).lastIndexOf(true);
        if (lastAcked < 0) continue;
        const allowed = toStep.slice(lastAcked).map((write) => write.marker);
        const actual = stored.get(stepId) ?? null;
        if (!actual || !allowed.includes(actual)) {
          problems.push(
            `client ${client.index} ${stepId}: holds ${actual}, last acknowledged ${toStep[lastAcked]?.marker}`,
          );
        }
      }
      const sessions = await app.database.sql.query<{ n: number }>(
        'select count(*)::int as n from sessions where workshop_id = $1',
        [client.workshopId],
      );
      if (client.sessionId && sessions.rows[0]?.n !== 1) {
        problems.push(`client ${client.index}: ${sessions.rows[0]?.n} session rows for one session id`);
      }
    }

    const acked = writes.filter((write) => write.acked).length;
    console.log(
      `writes: ${writes.length} attempted, ${acked} acknowledged; stored markers: ${packs.size} packs, ${workshops.size} workshops, ${outputs.size} outputs (latest per step)`,
    );
    expect(problems).toEqual([]);
  });
});
