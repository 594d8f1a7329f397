/**
 * What Vercel's own CLI built (`npm run vercel:build`, which `.ci/run` runs before the suite): the Build
 * Output API tree in .vercel/output, loaded under plain Node the way Vercel's launcher loads it. Skipped,
 * saying so, on a clone where `vercel build` has not run: the CLI is fetched on demand, not installed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInPlainNode } from '../support/plain-node';
import { REPO_ROOT } from '../support/repo-files';
import { createTestApp, type TestApp } from '../support/test-app';

const OUTPUT = join(REPO_ROOT, '.vercel', 'output');
const FUNCTION_DIR = join(OUTPUT, 'functions', 'index.func');
/** The CLI writes diagnostics/ beside the tree; `tsx scripts/vercel-build.ts` alone does not. */
const BUILT_BY_CLI = existsSync(join(OUTPUT, 'diagnostics')) && existsSync(join(FUNCTION_DIR, 'index.mjs'));

describe.skipIf(!BUILT_BY_CLI)('vercel build output (run `npm run vercel:build` first)', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp();
  });
  afterAll(async () => {
    await testApp?.close();
  });

  it('routes static files first (after the CLI’s error routes), then every path to the one Node.js function', () => {
    const config = JSON.parse(readFileSync(join(OUTPUT, 'config.json'), 'utf8')) as { routes: unknown[] };
    // The CLI puts its own error-phase routes first; ours follow unchanged.
    const filesystem = config.routes.findIndex(
      (route) => JSON.stringify(route) === '{"handle":"filesystem"}',
    );
    expect(filesystem).toBeGreaterThanOrEqual(0);
    expect(config.routes[filesystem + 1]).toMatchObject({ src: '/(.*)', dest: '/' });
    const vc = JSON.parse(readFileSync(join(FUNCTION_DIR, '.vc-config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(vc).toMatchObject({
      handler: 'index.mjs',
      launcherType: 'Nodejs',
      runtime: expect.stringMatching(/^nodejs(22|24)\.x$/),
    });
    expect(existsSync(join(OUTPUT, 'static', 'assets', 'scalar', 'standalone.js'))).toBe(true);
  });

  it('the function answers /, /api/health and a signed-in /api/me under plain node', async () => {
    const token = await testApp.token('user_vercel_cli', { plan: 'pro' });
    const results = await requestInPlainNode(join(FUNCTION_DIR, 'index.mjs'), testApp.env, [
      ['/', {}],
      ['/api/health', {}],
      ['/api/me', { Authorization: `Bearer ${token}` }],
    ]);
    expect(results.map(({ path, status }) => `${status} ${path}`)).toEqual([
      '200 /',
      '200 /api/health',
      '200 /api/me',
    ]);
    expect(results[2]?.body).toMatchObject({ userId: 'user_vercel_cli', plan: 'pro' });
  });
});
