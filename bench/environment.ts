/*
 * Everything the runtime parts of the bench need: the local Neon stack (embedded Postgres in an ephemeral
 * data directory under the OS temp dir + the SQL-over-HTTP endpoint), a generated Clerk key pair, the
 * statement-recording proxy, and the app in a child process on two free loopback ports.
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
import { type CaptureProxy, startCaptureProxy } from './lib/capture-proxy';
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
  /** Client for the app's direct port (every timed request). */
  app: HttpClient;
  appUrl: string;
  /** The app's process id (for its CPU time). */
  appPid: number | undefined;
  /** Client for the app's capture port (statements recorded by `proxy`). */
  capture: HttpClient;
  proxy: CaptureProxy;
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
    const proxy = await startCaptureProxy(stack.endpoint.url);
    cleanup.unshift(() => proxy.close());
    const [directPort, capturePort] = [await findFreePort(), await findFreePort()];
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
        BENCH_DIRECT_PORT: String(directPort),
        BENCH_CAPTURE_PORT: String(capturePort),
        BENCH_CAPTURE_ENDPOINT: proxy.url,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    cleanup.unshift(() => stopChild(child));
    await waitForReady(child, 30_000);
    const appUrl = `http://127.0.0.1:${directPort}`;
    const app = new HttpClient(appUrl, 32);
    const capture = new HttpClient(`http://127.0.0.1:${capturePort}`, 4);
    cleanup.unshift(async () => {
      app.close();
      capture.close();
    });
    return {
      stack,
      databaseName: DATABASE_NAME,
      config,
      app,
      appUrl,
      appPid: child.pid,
      capture,
      proxy,
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
