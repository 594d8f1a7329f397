/**
 * What `tsx scripts/vercel-build.ts` writes (Build Output API v3) loads and answers under plain Node — no
 * tsx, no bundler resolution — which is how Vercel's launcher imports the function. This is the check the
 * zero-config preset's per-file output fails (extensionless relative imports in ESM).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVercelOutput, type VercelOutput, vercelRuntime } from '../../scripts/vercel-build';
import { requestInPlainNode } from '../support/plain-node';
import { createTestApp, type TestApp } from '../support/test-app';

describe('the Vercel build output', () => {
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
