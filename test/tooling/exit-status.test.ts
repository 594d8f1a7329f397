/**
 * Every vitest configuration must be able to fail. Each one loads the local stack in its global setup (the
 * Workers one too), and a library that stack uses once turned a failing run into exit 0. So for each
 * configuration, a failing fixture run through it must exit non-zero and a passing one must exit 0.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/repo-files';

/** Each configuration with a folder its `include` pattern covers. */
const CONFIGS = [
  { config: 'vitest.config.ts', testDir: 'test' },
  { config: 'vitest.stress.config.ts', testDir: 'test/stress' },
  { config: 'vitest.workers.config.ts', testDir: 'test/workers' },
  { config: 'vitest.workerd.config.ts', testDir: 'test' },
] as const;

const FIXTURES = {
  passing: "import { expect, it } from 'vitest';\nit('passes on purpose', () => { expect(1).toBe(1); });\n",
  failing: "import { expect, it } from 'vitest';\nit('fails on purpose', () => { expect(1).toBe(2); });\n",
};

const VITEST_BIN = join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs');

interface Run {
  exitCode: number;
  output: string;
}

/** Runs one fixture through a configuration in a fresh process, as `npx vitest run` would. */
function runFixture(config: string, testDir: string, kind: keyof typeof FIXTURES): Promise<Run> {
  // The folder matches the configuration's include pattern, so the run behaves like any other test file.
  const dir = mkdtempSync(join(REPO_ROOT, testDir, `zz-exit-status-${kind}-`));
  const file = join(dir, `${kind}.test.ts`);
  writeFileSync(file, FIXTURES[kind]);
  // The child must not think it is a worker of this run.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [VITEST_BIN, 'run', '--config', config, relative(REPO_ROOT, file)],
      { cwd: REPO_ROOT, env, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        rmSync(dir, { recursive: true, force: true });
        const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ exitCode, output: `${stdout}\n${stderr}`.slice(-4000) });
      },
    );
  });
}

describe('the exit status of every vitest configuration tells the truth', () => {
  for (const { config, testDir } of CONFIGS) {
    // Each run starts its own local stack (the Workers one also builds the bundle and boots workerd):
    // generous, because a machine three times slower with both cores busy must still pass.
    it(`${config}: a failing test exits non-zero, a passing one exits 0`, { timeout: 300_000 }, async () => {
      // One after the other: a Workers run has wrangler's custom build rewrite dist/worker, and two at once
      // delete each other's output ("dist/worker/index.mjs was not found", seen on a busy machine).
      const failing = await runFixture(config, testDir, 'failing');
      const passing = await runFixture(config, testDir, 'passing');
      expect(failing.output).toContain('fails on purpose');
      expect(failing.exitCode, failing.output).not.toBe(0);
      expect(passing.output).toContain('1 passed');
      expect(passing.exitCode, passing.output).toBe(0);
    });
  }
});
