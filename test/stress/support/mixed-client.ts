import { setTimeout as sleep } from 'node:timers/promises';
import { STEP_IDS } from '../../../src/domain/step-catalogue';

export type Op = 'read' | 'context' | 'create' | 'save' | 'complete' | 'pack' | 'member';

/** Relative frequencies: reads and saves dominate, as in the product; every kind of write is there. */
const MIX: readonly (readonly [Op, number])[] = [
  ['read', 18],
  ['context', 10],
  ['create', 8],
  ['save', 30],
  ['complete', 8],
  ['pack', 10],
  ['member', 16],
];
const MIX_TOTAL = MIX.reduce((sum, [, weight]) => sum + weight, 0);

/** A keyed create that got no answer is sent again with the same key, this many times in all. */
const CREATE_ATTEMPTS = 4;
/** Retry-After is honoured up to this long, so that a retry still lands inside the fault's phase. */
const MAX_RETRY_PAUSE_MS = 500;
/** Far beyond any bound under test: a request that takes this long is reported, not awaited forever. */
const CLIENT_TIMEOUT_MS = 30_000;

export interface Sample {
  op: Op;
  phase: string;
  /** 0: no HTTP answer at all (the connection failed or the client gave up). */
  status: number;
  ms: number;
  retryAfter: string | null;
  detail: string;
}

export type MemberState = 'editor' | 'viewer' | 'absent';

/** A write whose final state can be read back: acknowledged (2xx) or not (503, no answer). */
export interface OverwriteRecord<T> {
  value: T;
  acked: boolean;
}

export interface KeyedCreate {
  kind: 'workshop' | 'pack';
  key: string;
  /** Unique per key: how the stored row is found again. */
  title: string;
  attempts: number;
  acked: boolean;
  replayed: boolean;
}

export interface ClientState {
  index: number;
  headers: Record<string, string>;
  workshopId: string;
  sessionId: string | null;
  /** How many steps, in order, the client knows to be complete. */
  completed: number;
  acknowledgedCompletions: Set<string>;
  outputs: Map<string, OverwriteRecord<string>[]>;
  members: Map<string, OverwriteRecord<MemberState>[]>;
  creates: KeyedCreate[];
  seq: number;
}

export interface RunContext {
  base: string;
  run: string;
  phase: { name: string };
  samples: Sample[];
}

interface Answer {
  status: number;
  retryAfter: string | null;
  json: unknown;
  replayed: boolean;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

function pickOp(): Op {
  let roll = Math.random() * MIX_TOTAL;
  for (const [op, weight] of MIX) {
    roll -= weight;
    if (roll < 0) return op;
  }
  return 'read';
}

export function newClient(index: number, headers: Record<string, string>, workshopId: string): ClientState {
  return {
    index,
    headers,
    workshopId,
    sessionId: null,
    completed: 0,
    acknowledgedCompletions: new Set(),
    outputs: new Map(),
    members: new Map(),
    creates: [],
    seq: 0,
  };
}

export const guestsOf = (client: ClientState, run: string) =>
  [0, 1].map((n) => `user_${run}_${client.index}_g${n}`);

async function call(
  context: RunContext,
  client: ClientState,
  op: Op,
  method: string,
  path: string,
  body?: unknown,
  extra: Record<string, string> = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...client.headers, ...extra };
  if (client.sessionId) headers['X-Session-Id'] = client.sessionId;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const phase = context.phase.name;
  const started = performance.now();
  try {
    const response = await fetch(`${context.base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
    const text = await response.text();
    const retryAfter = response.headers.get('retry-after');
    context.samples.push({
      op,
      phase,
      status: response.status,
      ms: performance.now() - started,
      retryAfter,
      detail: response.ok ? '' : text.slice(0, 160),
    });
    const sessionId = response.headers.get('x-session-id');
    if (response.ok && sessionId && path.startsWith(`/api/workshops/${client.workshopId}/steps`))
      client.sessionId = sessionId;
    const json = response.ok && text && response.headers.get('content-type')?.includes('json');
    return {
      status: response.status,
      retryAfter,
      json: json ? JSON.parse(text) : undefined,
      replayed: response.headers.get('idempotent-replayed') === 'true',
    };
  } catch (error) {
    context.samples.push({
      op,
      phase,
      status: 0,
      ms: performance.now() - started,
      retryAfter: null,
      detail: String(error).slice(0, 160),
    });
    return { status: 0, retryAfter: null, json: undefined, replayed: false };
  }
}

function remember<T>(records: Map<string, OverwriteRecord<T>[]>, key: string, record: OverwriteRecord<T>) {
  const list = records.get(key) ?? [];
  list.push(record);
  records.set(key, list);
}

/** A create sent with an Idempotency-Key and, while unanswered, sent again with the same key. */
async function keyedCreate(
  context: RunContext,
  client: ClientState,
  op: 'create' | 'pack',
  path: string,
  body: Record<string, unknown>,
  record: KeyedCreate,
): Promise<void> {
  client.creates.push(record);
  for (let attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
    record.attempts = attempt;
    const answer = await call(context, client, op, 'POST', path, body, { 'Idempotency-Key': record.key });
    if (answer.status === 201) {
      record.acked = true;
      record.replayed = answer.replayed;
      return;
    }
    if (answer.status !== 503 && answer.status !== 0) return;
    const pauseMs = Math.min(Number(answer.retryAfter ?? 0) * 1000, MAX_RETRY_PAUSE_MS);
    await sleep(pauseMs || 100);
  }
}

/** One request (or one keyed create with its retries) of the product's mix. */
export async function step(context: RunContext, client: ClientState): Promise<void> {
  const ws = `/api/workshops/${client.workshopId}`;
  const availableStep = () => STEP_IDS[Math.floor(Math.random() * (client.completed + 1))] ?? 'validate';
  const marker = () => `${context.run}-${client.index}-${client.seq++}`;
  switch (pickOp()) {
    case 'read':
      await call(context, client, 'read', 'GET', pick([ws, `${ws}/steps`, '/api/workshops?limit=20']));
      return;
    case 'context':
      await call(context, client, 'context', 'GET', `${ws}/steps/${availableStep()}/context`);
      return;
    case 'save': {
      const stepId = availableStep();
      const record = { value: marker(), acked: false };
      remember(client.outputs, stepId, record);
      const output = { marker: record.value, notes: `Saved by client ${client.index}`, items: [1, 2, 3] };
      const answer = await call(context, client, 'save', 'PUT', `${ws}/steps/${stepId}/output`, { output });
      record.acked = answer.status === 200;
      return;
    }
    case 'complete': {
      const stepId = STEP_IDS[Math.min(client.completed, STEP_IDS.length - 1)] ?? 'validate';
      const answer = await call(context, client, 'complete', 'POST', `${ws}/steps/${stepId}/complete`, {
        by: 'ai',
      });
      if (answer.status === 200) {
        client.acknowledgedCompletions.add(stepId);
        client.completed = Math.min(client.completed + 1, STEP_IDS.length - 1);
      }
      return;
    }
    case 'create': {
      const title = marker();
      const record: KeyedCreate = {
        kind: 'workshop',
        key: `k-${title}`,
        title,
        attempts: 0,
        acked: false,
        replayed: false,
      };
      await keyedCreate(
        context,
        client,
        'create',
        '/api/workshops',
        { originalIdea: `Idea ${title}`, title },
        record,
      );
      return;
    }
    case 'pack': {
      const title = marker();
      const record: KeyedCreate = {
        kind: 'pack',
        key: `k-${title}`,
        title,
        attempts: 0,
        acked: false,
        replayed: false,
      };
      const format = pick(['markdown', 'json', 'pdf']);
      await keyedCreate(context, client, 'pack', `${ws}/build-packs`, { format, title }, record);
      return;
    }
    case 'member': {
      const guest = pick(guestsOf(client, context.run));
      const state = pick<MemberState>(['editor', 'viewer', 'absent']);
      const record = { value: state, acked: false };
      remember(client.members, guest, record);
      const path = `${ws}/members/${guest}`;
      const answer =
        state === 'absent'
          ? await call(context, client, 'member', 'DELETE', path)
          : await call(context, client, 'member', 'PUT', path, { role: state });
      // Removing someone who is not a member leaves them absent: the change is acknowledged as such.
      record.acked = [200, 201, 204].includes(answer.status) || (state === 'absent' && answer.status === 404);
      return;
    }
  }
}

/** Statuses that are the right answer to an op in this run; anything else is counted. */
export const EXPECTED_STATUSES: Record<Op, readonly number[]> = {
  read: [200],
  context: [200],
  create: [201],
  save: [200],
  complete: [200],
  // 409 build_pack_limit_reached: a busy workshop reaches the most build packs it may hold.
  pack: [201, 409],
  member: [200, 201, 204, 404],
};
