/**
 * `npm run dev` and the db:* scripts as a developer runs them side by side: the schema loop while dev runs,
 * a second dev, a taken port. Each run gets a data directory of its own (DEV_DATA_DIR), never .data/.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../scripts/local-stack/free-port';
import { findRunningCluster } from '../../scripts/local-stack/running-cluster';
import { REPO_ROOT } from '../support/repo-files';

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function runScript(script: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [script, ...args],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ exitCode, stdout, stderr });
      },
    );
  });
}

/** The environment of a developer without DATABASE_URL or Clerk keys, on a data directory of its own. */
function devEnv(dataDir: string, port: number): Record<string, string> {
  const env: Record<string, string> = { DEV_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' };
  for (const key of ['DATABASE_URL', 'DATABASE_URL_UNPOOLED', 'CLERK_JWT_KEY']) env[key] = '';
  return env;
}

function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dev exited (${code}) before ${pattern}:\n${output}`));
    });
  });
}

describe('npm run dev while npm run dev runs', () => {
  let dataDir: string;
  let port: number;
  let dev: ChildProcess;
  let startup: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'workshop-api-dev-'));
    // Under root, Postgres runs as the `postgres` user, which must be able to reach its directory.
    chmodSync(dataDir, 0o755);
    port = await findFreePort();
    // Ignored stdin, pipes out: not a terminal, as in CI.
    dev = spawn(TSX, ['scripts/dev.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...devEnv(dataDir, port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    startup = await waitForOutput(dev, /ready on /, 150_000);
  }, 180_000);

  afterAll(async () => {
    if (dev && dev.exitCode === null) {
      const exited = new Promise((done) => dev.once('exit', done));
      dev.kill('SIGTERM');
      await exited;
    }
    // The dev server stopped its Postgres on the way out: nothing is left running on the directory.
    expect(findRunningCluster(join(dataDir, 'postgres'))).toBeUndefined();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('prints how long the user waited and how to open the database', () => {
    expect(startup).toMatch(/ready on http:\/\/127\.0\.0\.1:\d+ in \d+\.\d s \(since /);
    expect(startup).toMatch(/psql: npm run db:psql {3}\(or any client: postgresql:\/\/\S+\/workshop\)/);
  });

  it('db:migrate, db:push, db:seed and db:psql use the running cluster instead of starting a second one', async () => {
    const env = devEnv(dataDir, port);
    const migrate = await runScript('scripts/db-migrate.ts', [], env);
    expect(migrate, migrate.stderr).toMatchObject({ exitCode: 0 });
    expect(migrate.stdout).toMatch(/running on port \d+/);
    expect(migrate.stdout).toContain('migrations applied');

    // drizzle-kit compares the schema with the running database: nothing to change after the migrations.
    const push = await runScript('scripts/db-push.ts', [], env);
    expect(push, push.stderr).toMatchObject({ exitCode: 0 });
    expect(push.stdout).toMatch(
      /pushing the schema to embedded Postgres \(\.data\/postgres, running on port \d+\)/,
    );
    expect(push.stdout + push.stderr).toContain('No changes detected');

    const seed = await runScript('scripts/db-seed.ts', [], env);
    expect(seed, seed.stderr).toMatchObject({ exitCode: 0 });
    expect(seed.stdout).toContain('0 missing step definition(s) inserted');

    // psql itself, when installed (the fallback below runs everywhere).
    if (spawnSync('psql', ['--version']).status === 0) {
      const psql = await runScript(
        'scripts/db-psql.ts',
        ['-At', '-c', 'select count(*) from step_definitions'],
        env,
      );
      expect(psql.exitCode, psql.stderr).toBe(0);
      expect(psql.stdout.trim()).toBe('10');
    }

    // Without a psql on PATH: the URL for any other client, and how to install psql.
    const noPsqlPath = mkdtempSync(join(tmpdir(), 'workshop-api-no-psql-'));
    symlinkSync(process.execPath, join(noPsqlPath, 'node'));
    const fallback = await runScript('scripts/db-psql.ts', [], { ...env, PATH: noPsqlPath });
    rmSync(noPsqlPath, { recursive: true, force: true });
    expect(fallback.exitCode).toBe(1);
    expect(fallback.stderr).toMatch(
      /psql is not installed\. Connect with any Postgres client to:\n {2}postgresql:\/\/\S+\/workshop\n/,
    );
    expect(fallback.stderr).toContain('apt-get install postgresql-client');

    // The dev server still answers from the same database.
    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);
  });

  it('a second dev says in one line that dev is running, with its URL, and exits 2', async () => {
    const second = await runScript('scripts/dev.ts', [], devEnv(dataDir, await findFreePort()));
    expect(second.exitCode).toBe(2);
    expect(second.stderr.trim().split('\n')).toEqual([
      expect.stringContaining(`npm run dev is already running on http://127.0.0.1:${port} (pid `),
    ]);
  });
});

describe('npm run dev on a taken port', () => {
  let blocker: Server;
  let port: number;
  let dataDir: string;

  beforeAll(async () => {
    port = await findFreePort();
    blocker = createServer();
    await new Promise<void>((done) => blocker.listen(port, '127.0.0.1', done));
    dataDir = mkdtempSync(join(tmpdir(), 'workshop-api-dev-port-'));
    chmodSync(dataDir, 0o755);
  });
  afterAll(async () => {
    await new Promise((done) => blocker.close(done));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('names the port and PORT in one line, exits non-zero and leaves no Postgres running', async () => {
    const run = await runScript('scripts/dev.ts', [], devEnv(dataDir, port));
    expect(run.exitCode).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      `port ${port} on 127.0.0.1 is already in use: set PORT to a free port, e.g. PORT=${port + 3}`,
    ]);
    expect(findRunningCluster(join(dataDir, 'postgres'))).toBeUndefined();
    expect(existsSync(join(dataDir, 'running-server.json'))).toBe(false);
  });

  it('names WORKER_PORT for dev:worker', async () => {
    const run = await runScript('scripts/dev-worker.ts', [], {
      ...devEnv(dataDir, 1),
      WORKER_PORT: String(port),
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      `port ${port} on 127.0.0.1 is already in use: set WORKER_PORT to a free port, e.g. WORKER_PORT=${port + 3}`,
    ]);
  });
});
