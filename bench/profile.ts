/*
 * Evidence for the throughput figures: where CPU goes when the app serves the list and the write route.
 * The app runs in this process for this part only (createApp() with the bench configuration as bindings,
 * driven by `app.request()` at the same concurrency), under V8's sampling profiler; self time is grouped
 * by package / source folder. The SQL endpoint shares the process and is reported as its own group.
 */
import { Session } from 'node:inspector/promises';
import { neonConfig } from '@neondatabase/serverless';
import { createApp } from '../src/app';
import type { BenchEnvironment } from './environment';
import { round } from './lib/stats';
import type { Fixture } from './seed';
import type { Row } from './table';
import { throughputScenarios } from './throughput';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileResult {
  route: string;
  requests: number;
  cpuMsPerRequest: number;
  /** Share of non-idle self time per group, largest first. */
  groups: { name: string; percent: number }[];
  error?: string;
}

/** Native frames (builtins, bindings) are charged to the nearest JavaScript caller's group. */
function groupOf(node: ProfileNode, parents: ReadonlyMap<number, ProfileNode>): string | null {
  const { url, functionName } = node.callFrame;
  if (!url) {
    if (functionName === '(idle)') return null;
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(program)') return 'V8 (program)';
    const parent = parents.get(node.id);
    return parent && parent.callFrame.functionName !== '(root)'
      ? groupOf(parent, parents)
      : 'native (no JS caller)';
  }
  if (url.includes('/scripts/local-stack/')) return '(local SQL endpoint)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    const name = parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? '?');
    return name === 'pg' || name.startsWith('pg-') ? `${name} (endpoint → Postgres)` : name;
  }
  const src = url.indexOf('/src/');
  if (src >= 0 && !url.includes('/bench/'))
    return `(app) ${url
      .slice(src + 1)
      .split('/')
      .slice(0, 2)
      .join('/')}`;
  if (url.includes('/bench/')) return '(bench driver)';
  if (url.includes('node:internal/deps/undici') || url.includes('undici')) return 'undici (fetch)';
  if (url.startsWith('node:')) {
    // node:internal/webstreams/readablestream → node webstreams; node:_http_server → node _http_server
    const rest = url.slice('node:'.length).replace(/^internal\//, '');
    return `node ${rest.split('/')[0]?.replace(/\.js$/, '') ?? rest}`;
  }
  return url;
}

export async function profileThroughputRoutes(
  env: BenchEnvironment,
  fixture: Fixture,
  options: { concurrency: number; durationMs: number },
): Promise<ProfileResult[]> {
  const savedFetch = neonConfig.fetchFunction;
  const savedEndpoint = neonConfig.fetchEndpoint;
  const app = createApp();
  const bindings: Record<string, unknown> = { ...env.config };
  const session = new Session();
  session.connect();
  const results: ProfileResult[] = [];
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    for (const scenario of throughputScenarios(fixture, options.concurrency)) {
      try {
        const requests = Array.from({ length: options.concurrency }, (_, worker) => scenario.request(worker));
        const send = async (worker: number) => {
          const request = requests[worker];
          if (!request) return;
          const body = request.body === undefined ? undefined : JSON.stringify(request.body);
          const headers: Record<string, string> = { ...request.headers };
          if (body !== undefined) headers['content-type'] = 'application/json';
          const response = await app.request(
            request.path,
            { method: request.method, headers, body },
            bindings,
          );
          await response.arrayBuffer();
          if (response.status !== scenario.expect)
            throw new Error(`${scenario.route} answered ${response.status}`);
        };
        // Warm-up outside the profile (JIT, token cache, config).
        for (let worker = 0; worker < options.concurrency; worker++) await send(worker);
        let completed = 0;
        const cpuBefore = process.cpuUsage();
        await session.post('Profiler.start');
        const deadline = performance.now() + options.durationMs;
        await Promise.all(
          requests.map(async (_, worker) => {
            while (performance.now() < deadline) {
              await send(worker);
              completed++;
            }
          }),
        );
        const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
        const cpu = process.cpuUsage(cpuBefore);
        const byId = new Map(profile.nodes.map((node) => [node.id, node]));
        const parents = new Map<number, ProfileNode>();
        for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node);
        const totals = new Map<string, number>();
        let busy = 0;
        (profile.samples ?? []).forEach((id, index) => {
          const node = byId.get(id);
          const group = node ? groupOf(node, parents) : null;
          if (!group) return;
          const micros = profile.timeDeltas?.[index] ?? 0;
          busy += micros;
          totals.set(group, (totals.get(group) ?? 0) + micros);
        });
        results.push({
          route: scenario.route,
          requests: completed,
          cpuMsPerRequest: round((cpu.user + cpu.system) / 1000 / Math.max(1, completed), 3),
          groups: [...totals]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 10)
            .map(([name, micros]) => ({ name, percent: round((micros / Math.max(1, busy)) * 100, 1) })),
        });
      } catch (error) {
        results.push({
          route: scenario.route,
          requests: 0,
          cpuMsPerRequest: 0,
          groups: [],
          error: String(error),
        });
      }
    }
  } finally {
    await session.post('Profiler.disable').catch(() => {});
    session.disconnect();
    // createDb() sets these driver globals; the raw-driver measurements must not inherit them.
    neonConfig.fetchFunction = savedFetch;
    neonConfig.fetchEndpoint = savedEndpoint;
  }
  return results;
}

export function profileRows(results: readonly ProfileResult[]): Row[] {
  return results.map((result) => ({
    section: 'throughput vs raw driver, same SQL',
    figure: `CPU profile, in-process: ${result.route}`,
    target: 'evidence',
    measured: result.error
      ? 'error'
      : `${result.cpuMsPerRequest} ms CPU/req (app + endpoint); ${result.groups
          .slice(0, 5)
          .map((group) => `${group.name} ${group.percent}%`)
          .join(', ')}`,
    verdict: result.error ? 'error' : 'info',
    ...(result.error ? { note: result.error } : {}),
  }));
}
