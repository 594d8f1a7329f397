/**
 * What `tsx scripts/vercel-build.ts` writes (Build Output API v3) loads and answers under plain Node — no
 * tsx, no bundler resolution — which is how Vercel's launcher imports the function. This is the check the
 * zero-config preset's per-file output fails (extensionless relative imports in ESM).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVercelOutput, type VercelOutput, vercelRuntime } from '../../scripts/vercel-build';
import { createTestApp, type TestApp } from '../support/test-app';

const run = promisify(execFile);
const MARKER = '__vercel_bundle_results__';

/** Imports the bundle in a fresh `node` and prints `status body` for each path. */
async function requestInPlainNode(
  bundle: string,
  env: Record<string, string>,
  requests: [string, Record<string, string>][],
) {
  const script = `
    const { default: app } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
    const MARKER = ${JSON.stringify(MARKER)};
    const out = [];
    for (const [path, headers] of ${JSON.stringify(requests)}) {
      const response = await app.fetch(new Request('https://workshop-api.vercel.test' + path, { headers }));
      out.push({ path, status: response.status, body: await response.json() });
    }
    process.stdout.write('\\n' + MARKER + JSON.stringify(out) + '\\n');`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 90_000, // a hang detector, with room for a busy machine
  });
  // Other output (Clerk's telemetry notice) may share stdout: the results are the marked line.
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(MARKER));
  if (!line) throw new Error(`no results from the bundle; stdout: ${stdout}`);
  return JSON.parse(line.slice(MARKER.length)) as {
    path: string;
    status: number;
    body: Record<string, unknown>;
  }[];
}

describe('scripts/vercel-build.ts output', () => {
  let outputDir: string;
  let output: VercelOutput;
  let testApp: TestApp;

  beforeAll(async () => {
    outputDir = mkdtempSync(join(tmpdir(), 'workshop-api-vercel-output-'));
    output = await buildVercelOutput({ outputDir, nodeMajor: 24 });
    testApp = await createTestApp();
  }, 120_000);
  afterAll(async () => {
    await testApp?.close();
    rmSync(outputDir, { recursive: true, force: true });
  });

  it('is one Node.js function for every non-static path, with public/ as static files', () => {
    const config = JSON.parse(readFileSync(join(outputDir, 'config.json'), 'utf8')) as {
      version: number;
      routes: unknown[];
    };
    expect(config.version).toBe(3);
    expect(config.routes).toEqual([
      { handle: 'filesystem' },
      { src: '/(.*)', dest: '/', transforms: [{ type: 'request.path', op: 'set', args: '/$1' }] },
    ]);
    const vc = JSON.parse(readFileSync(join(output.functionDir, '.vc-config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(vc).toMatchObject({ runtime: 'nodejs24.x', handler: 'index.mjs', launcherType: 'Nodejs' });
    expect(existsSync(join(outputDir, 'static'))).toBe(true);
    expect(existsSync(join(outputDir, 'static', '.gitkeep'))).toBe(false);
  });

  it('maps the build’s Node major onto a runtime Vercel offers', () => {
    expect(vercelRuntime(20)).toBe('nodejs22.x');
    expect(vercelRuntime(22)).toBe('nodejs22.x');
    expect(vercelRuntime(24)).toBe('nodejs24.x');
    expect(vercelRuntime(26)).toBe('nodejs24.x');
  });

  it('the bundle answers /api/health/live, /api/health (database up) and /api/me under plain node', async () => {
    const token = await testApp.token('user_vercel_bundle', { plan: 'pro' });
    const results = await requestInPlainNode(output.bundlePath, testApp.env, [
      ['/api/health/live', {}],
      ['/api/health', {}],
      ['/api/me', { Authorization: `Bearer ${token}` }],
      ['/api/me', {}],
    ]);
    expect(results.map(({ path, status }) => `${status} ${path}`)).toEqual([
      '200 /api/health/live',
      '200 /api/health',
      '200 /api/me',
      '401 /api/me',
    ]);
    expect(results[1]?.body).toMatchObject({ checks: { database: { status: 'up' } } });
    expect(results[2]?.body).toMatchObject({ userId: 'user_vercel_bundle', plan: 'pro' });
  });
});
