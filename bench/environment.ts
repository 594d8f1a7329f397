/*
 * Everything the runtime parts of the bench need: the local Neon stack (embedded Postgres in an ephemeral
 * data directory under the OS temp dir + the SQL-over-HTTP endpoint, which also records the statements a
 * request sends), a generated Clerk key pair, and the app in a child process on a free loopback port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { generateWebhookSigningSecret } from '../scripts/local-auth/clerk-webhook';
import { generateSigningKeyPair } from '../scripts/local-auth/keys';
import { localClerkEnv } from '../scripts/local-auth/local-clerk';
import { type MintOptions, mintSessionToken } from '../scripts/local-auth/mint-token';
import { type LocalStack, startLocalStack } from '../scripts/local-stack';
import { findFreePort } from '../scripts/local-stack/free-port';
import type { LoggedRequest, StatementLogOptions } from '../scripts/local-stack/sql-endpoint';
import { HttpClient } from './lib/http';

export const ROOT = resolve(new URL('..', import.meta.url).pathname);
export const DATABASE_NAME = 'bench';
/** Bench users create hundreds of workshops; the plan caps must not get in the way. */
export const BENCH_WORKSHOP_CAPS = 'free:100000,pro:100000,team:100000';

export interface BenchEnvironment {
  stack: LocalStack;
  databaseName: string;
  /** The app's configuration, also usable as bindings for an in-process app. */
  config: Record<string, string>;
  /** Client for the app's port. */
  app: HttpClient;
  appUrl: string;
  /** The app's process id (for its CPU time). */
  appPid: number | undefined;
  /**
   * Runs `action` while the endpoint records every request the bench database is served, and returns
   * them. Nothing else may use the database meanwhile; nothing timed runs inside.
   */
  recordStatements<T>(
    action: () => Promise<T>,
    options?: StatementLogOptions,
  ): Promise<{ result: T; requests: LoggedRequest[] }>;
  token(userId: string, options?: Omit<MintOptions, 'userId'>): Promise<string>;
  stop(): Promise<void>;
}

function waitForReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolveReady, reject) => {
    if (!child.stdout) return reject(new Error('the app process has no stdout pipe'));
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(
      () => reject(new Error(`app did not start in ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.includes('"ready":true')) {
        clearTimeout(timer);
        resolveReady();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code} before it was ready: ${stderr}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}

export async function startBenchEnvironment(): Promise<BenchEnvironment> {
  const dataDir = mkdtempSync(join(tmpdir(), 'workshop-api-bench-'));
  const stack = await startLocalStack({ dataDir, ephemeral: true, databaseName: DATABASE_NAME });
  const cleanup: (() => Promise<void>)[] = [() => stack.stop()];
  try {
    const keys = generateSigningKeyPair();
    const port = await findFreePort();
    const config: Record<string, string> = {
      ...stack.env,
      ...localClerkEnv(keys),
      CLERK_WEBHOOK_SIGNING_SECRET: generateWebhookSigningSecret(),
      CORS_ORIGINS: 'http://localhost:5173',
      LOG_LEVEL: 'silent',
      WORKSHOP_CAPS: BENCH_WORKSHOP_CAPS,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/app-server.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...config,
        BENCH_PORT: String(port),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    cleanup.unshift(() => stopChild(child));
    await waitForReady(child, 30_000);
    const appUrl = `http://127.0.0.1:${port}`;
    const app = new HttpClient(appUrl, 32);
    cleanup.unshift(async () => app.close());
    return {
      stack,
      databaseName: DATABASE_NAME,
      config,
      app,
      appUrl,
      appPid: child.pid,
      recordStatements: async (action, options) => {
        stack.endpoint.startStatementLog(DATABASE_NAME, options);
        try {
          const result = await action();
          return { result, requests: stack.endpoint.takeStatementLog(DATABASE_NAME) };
        } finally {
          stack.endpoint.stopStatementLog(DATABASE_NAME);
        }
      },
      token: (userId, options = {}) =>
        mintSessionToken(keys.privateKeyPem, { userId, expiresIn: 4 * 3600, ...options }),
      stop: async () => {
        for (const step of cleanup.splice(0)) await step().catch(() => {});
      },
    };
  } catch (error) {
    for (const step of cleanup) await step().catch(() => {});
    throw error;
  }
}
