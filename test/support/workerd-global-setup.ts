/**
 * Global setup of the suites run against the Worker in workerd (vitest.workerd.config.ts): the bundle
 * `wrangler deploy` would upload, built once for the run. Each test file then boots it with bindings of its
 * own (test/support/test-app.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildWorkerBundle } from './workers-bundle';
import './workers-context';

let bundleDir: string | undefined;

export async function setup(project: TestProject) {
  bundleDir = mkdtempSync(join(tmpdir(), 'workshop-api-workerd-bundle-'));
  project.provide('workerBundle', await buildWorkerBundle(bundleDir));
}

export async function teardown() {
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  bundleDir = undefined;
}
