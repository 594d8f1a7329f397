/**
 * Sends fast-check bodies to one route and judges every answer with an oracle that knows the route's
 * zod schema and limits: never a 5xx; a body over the limit → 413; text that is not JSON → 400
 * malformed_json; JSON the schema refuses → 400 validation_failed; a valid body → one of the statuses
 * the route documents for it (VALID_OUTCOMES), 409/412/422/428 included where they apply.
 * Shared by test/reliability/fuzz.test.ts (a few hundred per route) and test/stress/fuzz-10k.test.ts.
 */
import fc from 'fast-check';
import { STEP_OUTPUT_LIMIT_BYTES } from '../../src/domain/storage-limits';
import { type Components, type FuzzBody, fuzzBodies } from './fuzz-arbitraries';
import { type BodyRoute, fillPath, headersFor, type RouteFixture, STEP_OUTPUT_ROUTE } from './fuzz-routes';
import { IDEMPOTENT_CREATES, VALID_OUTCOMES } from './route-catalogue';
import type { TestApp } from './test-app';
import { testTarget } from './test-target';

/** How the Idempotency-Key header is set on a create: absent, fresh, malformed, or one key for many bodies. */
type KeyKind = 'none' | 'fresh' | 'invalid' | 'shared';
const KEY_KINDS: readonly KeyKind[] = ['none', 'none', 'none', 'fresh', 'fresh', 'invalid', 'shared'];
const INVALID_KEYS = [
  '',
  'k'.repeat(256),
  'has space',
  'tab\there',
  // fetch will not send a control character in a header value, so over HTTP (workerd) it cannot be tried.
  ...(testTarget === 'workerd' ? [] : ['ctl\u0001']),
];

export interface FuzzFailure {
  kind: string;
  key: KeyKind;
  status: number;
  expected: readonly number[];
  reason: string;
  body: string;
  answer: string;
}

export interface FuzzReport {
  route: string;
  requests: number;
  byStatus: Record<number, number>;
  byKind: Record<string, number>;
  /** Schema-valid bodies, for "the mix really contains valid ones". */
  valid: number;
  failures: FuzzFailure[];
  ms: number;
}

interface Verdict {
  statuses: readonly number[];
  /** The problem code a refusal must carry, when only one fits. */
  code?: string;
  valid: boolean;
}

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** Parses exactly as the server does (a fetch Body: UTF-8 decode, BOM stripped, then JSON). */
async function parseLikeTheServer(text: string): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    return { ok: true, value: await new Response(text).json() };
  } catch {
    return { ok: false };
  }
}

async function judge(route: BodyRoute, text: string, key: KeyKind): Promise<Verdict> {
  if (utf8(text) > route.limitBytes) return { statuses: [413], code: 'payload_too_large', valid: false };
  const parsed = await parseLikeTheServer(text);
  if (!parsed.ok) return { statuses: [400], code: 'malformed_json', valid: false };
  const result = route.schema.safeParse(parsed.value);
  if (!result.success) return { statuses: [400], code: 'validation_failed', valid: false };
  if (key === 'invalid') return { statuses: [400], code: 'validation_failed', valid: true };
  const statuses = [...(VALID_OUTCOMES[route.key] ?? [])];
  // Valid JSON that Postgres cannot hold (a lone surrogate inside jsonb): refused as a bad value.
  statuses.push(400);
  if (key === 'shared') statuses.push(422);
  if (route.key === STEP_OUTPUT_ROUTE) {
    const output = (result.data as { output?: unknown }).output;
    if (utf8(JSON.stringify(output)) > STEP_OUTPUT_LIMIT_BYTES) return { statuses: [413], valid: true };
  }
  return { statuses, valid: true };
}

export interface FuzzOptions {
  runs: number;
  seed: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Bodies generated per fast-check sample, so that huge ones never pile up in memory. */
  chunk?: number;
}

export async function fuzzRoute(
  app: TestApp,
  route: BodyRoute,
  components: Components,
  fixture: RouteFixture,
  options: FuzzOptions,
): Promise<FuzzReport> {
  if (!VALID_OUTCOMES[route.key]) throw new Error(`no VALID_OUTCOMES row for ${route.key}`);
  const started = performance.now();
  const path = fillPath(route.path, fixture.params);
  const arbitrary = fc.tuple(fuzzBodies(route.jsonSchema, components), fc.constantFrom(...KEY_KINDS));
  const report: FuzzReport = {
    route: route.key,
    requests: 0,
    byStatus: {},
    byKind: {},
    valid: 0,
    failures: [],
    ms: 0,
  };
  const chunk = options.chunk ?? 200;
  let sent = 0;
  for (let part = 0; sent < options.runs; part++) {
    const size = Math.min(chunk, options.runs - sent);
    const samples = fc.sample(arbitrary, { numRuns: size, seed: options.seed + part });
    sent += size;
    let next = 0;
    const worker = async () => {
      for (;;) {
        const sample = samples[next++];
        if (!sample) return;
        await fuzzOne(
          app,
          route,
          path,
          fixture,
          sample[0],
          IDEMPOTENT_CREATES.has(route.key) ? sample[1] : 'none',
          report,
        );
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  }
  report.ms = Math.round(performance.now() - started);
  return report;
}

async function fuzzOne(
  app: TestApp,
  route: BodyRoute,
  path: string,
  fixture: RouteFixture,
  body: FuzzBody,
  key: KeyKind,
  report: FuzzReport,
): Promise<void> {
  const headers: Record<string, string> = {
    ...headersFor(app, route.key, fixture, body.text),
    'Content-Type': 'application/json',
  };
  if (key === 'fresh') headers['Idempotency-Key'] = `fuzz-${crypto.randomUUID()}`;
  if (key === 'shared') headers['Idempotency-Key'] = 'fuzz-shared-key';
  if (key === 'invalid')
    headers['Idempotency-Key'] = INVALID_KEYS[report.requests % INVALID_KEYS.length] ?? '';

  const verdict = await judge(route, body.text, key);
  let status: number;
  let answer: string;
  let contentType: string | null;
  try {
    const response = await app.request(path, { method: route.method, body: body.text, headers });
    status = response.status;
    contentType = response.headers.get('content-type');
    answer = await response.text();
  } catch (error) {
    status = 599;
    contentType = null;
    answer = `the app threw: ${String(error)}`;
  }
  report.requests++;
  report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
  const family = body.kind.replace(/ \(.*\)$|#\d+$| [-\d.e]+$/, '');
  report.byKind[family] = (report.byKind[family] ?? 0) + 1;
  if (verdict.valid) report.valid++;

  const reasons: string[] = [];
  if (status >= 500) reasons.push('a 5xx');
  else if (!verdict.statuses.includes(status)) reasons.push(`expected one of ${verdict.statuses.join('/')}`);
  if (status >= 400) {
    if (!contentType?.startsWith('application/problem+json')) reasons.push(`content-type ${contentType}`);
    else {
      const code = (JSON.parse(answer) as { code?: string }).code;
      if (verdict.code && status === verdict.statuses[0] && code !== verdict.code) {
        reasons.push(`code ${code}, expected ${verdict.code}`);
      }
      if (verdict.valid && status === 400 && key !== 'invalid' && code !== 'bad_request') {
        reasons.push(`a schema-valid body refused as ${code}`);
      }
    }
    if (/\n\s+at /.test(answer)) reasons.push('a stack trace in the body');
  }
  if (reasons.length === 0) return;
  // Every failure counts; the first few keep their bodies for the report.
  const detailed = report.failures.length < 20;
  report.failures.push({
    kind: body.kind,
    key,
    status,
    expected: verdict.statuses,
    reason: reasons.join('; '),
    body: !detailed
      ? ''
      : body.text.length > 300
        ? `${body.text.slice(0, 300)}… (${utf8(body.text)} bytes)`
        : body.text,
    answer: detailed ? answer.slice(0, 400) : '',
  });
}

/** One line per route, for the log of a run. */
export function summarise(report: FuzzReport): string {
  const statuses = Object.entries(report.byStatus)
    .map(([status, n]) => `${status}×${n}`)
    .join(' ');
  return `${report.route}: ${report.requests} bodies (${report.valid} schema-valid) in ${report.ms} ms → ${statuses}; failures ${report.failures.length}`;
}

export function fuzzSeed(): number {
  const fromEnv = Number(process.env.FUZZ_SEED);
  return Number.isInteger(fromEnv) ? fromEnv : Math.floor(Math.random() * 2 ** 31);
}
