import { serve } from '@hono/node-server';
import { afterAll, beforeAll, inject } from 'vitest';
import { generateWebhookSigningSecret } from '../../scripts/local-auth/clerk-webhook';
import { generateSigningKeyPair } from '../../scripts/local-auth/keys';
import { localClerkEnv } from '../../scripts/local-auth/local-clerk';
import { type MintOptions, mintSessionToken } from '../../scripts/local-auth/mint-token';
import { type SqlEndpoint, startSqlEndpoint } from '../../scripts/local-stack/sql-endpoint';
import { createApp } from '../../src/app';
import { assertKeepsToContract, OpenApiContract, type OpenApiDocument } from './openapi-contract';
import { createTestDatabase, type TestDatabase } from './test-database';
import { type TestTarget, testTarget } from './test-target';
import { startWorkerdApp } from './workerd-app';
import './workers-context';

export interface TestApp {
  /** Where `request` goes: this process (`node`) or the Worker bundle in workerd over HTTP (`workerd`). */
  target: TestTarget;
  /**
   * The app as built in this process. On the workerd target it answers no request of the suite: read it
   * for what does not depend on the runtime (its route list), never call it.
   */
  app: ReturnType<typeof createApp>;
  env: Record<string, string>;
  database: TestDatabase;
  endpoint: SqlEndpoint;
  /**
   * A request to the app. Its answer is checked against the app's OpenAPI document (status, content type,
   * body schema, documented headers): a departure fails the test that received it.
   */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** The app served over loopback HTTP (started on first use on Node; workerd always listens): its base URL. */
  listen(): Promise<string>;
  /** A Clerk-shaped session token signed with this app's test key. */
  token(userId: string, options?: Omit<MintOptions, 'userId'>): Promise<string>;
  /** Authorization header for a fresh token of this user. */
  as(userId: string, options?: Omit<MintOptions, 'userId'>): Promise<Record<string, string>>;
  /** How many requests reached the SQL endpoint for this database while `action` ran. */
  countRoundTrips<T>(action: () => Promise<T>): Promise<{ result: T; roundTrips: number }>;
  close(): Promise<void>;
}

let contract: Promise<OpenApiContract> | undefined;

/** The document is the same for every app of this process: read it once, straight from the app. */
function contractOf(
  app: ReturnType<typeof createApp>,
  env: Record<string, string>,
): Promise<OpenApiContract> {
  contract ??= (async () => {
    // Silently: the document is the checker's, not a request of the test that happens to come first.
    const response = await app.request('/api/openapi.json', {}, { ...env, LOG_LEVEL: 'silent' });
    return new OpenApiContract((await response.json()) as OpenApiDocument);
  })();
  return contract;
}

export interface TestAppOptions {
  /**
   * On the workerd target, the Worker's outgoing requests go through this function of the test process
   * (on Node the app already calls this process's `fetch`), so one guard sees them on both runtimes.
   */
  workerOutbound?: typeof fetch;
  /** On the workerd target, each line the Worker logs (on Node the app writes to this process's console). */
  workerLog?: (line: string) => void;
}

/**
 * One app for the calling test file, started before its tests and closed after them: call it at the top
 * level of the file and the returned function inside tests.
 */
export function useTestApp(overrides?: Record<string, string>, options?: TestAppOptions): () => TestApp {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await createTestApp(overrides, options);
  });
  afterAll(async () => {
    await app?.close();
  });
  return () => {
    if (!app) throw new Error('the test app starts in beforeAll: use it inside tests and hooks');
    return app;
  };
}

/** The real app, the real driver and real Postgres: a database of its own behind a local SQL-over-HTTP endpoint. */
export async function createTestApp(
  overrides: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const endpoint = await startSqlEndpoint();
  const keys = generateSigningKeyPair();
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    NEON_SQL_ENDPOINT: endpoint.url,
    ...localClerkEnv(keys),
    CLERK_WEBHOOK_SIGNING_SECRET: generateWebhookSigningSecret(),
    CORS_ORIGINS: 'http://localhost:5173',
    LOG_LEVEL: 'silent',
    // The production deadline (5 s) is a reliability feature with tests of its own, which set it low on
    // purpose; every other suite must not fail because a busy machine ran a statement slowly.
    DB_TIMEOUT_MS: '60000',
    ...overrides,
  };
  const app = createApp();
  const token = (userId: string, options: Omit<MintOptions, 'userId'> = {}) =>
    mintSessionToken(keys.privateKeyPem, { userId, ...options });
  const server =
    testTarget === 'workerd' ? await startWorkerdServer(env, options) : startNodeServer(app, env);

  return {
    target: testTarget,
    app,
    env,
    database,
    endpoint,
    request: async (path, init) => {
      const response =
        testTarget === 'workerd'
          ? await fetch(onServer(path, await server.url()), { redirect: 'manual', ...init })
          : await app.request(path, init, env);
      const url = new URL(path, 'http://localhost');
      await assertKeepsToContract(await contractOf(app, env), {
        method: (init?.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        response,
      });
      return response;
    },
    listen: () => server.url(),
    token,
    as: async (userId, options) => ({ Authorization: `Bearer ${await token(userId, options)}` }),
    countRoundTrips: async (action) => {
      const before = endpoint.requestCount(database.name);
      const result = await action();
      return { result, roundTrips: endpoint.requestCount(database.name) - before };
    },
    close: async () => {
      await server.close();
      await endpoint.close();
      await database.drop();
    },
  };
}

export function jsonBody(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers } };
}

interface TestServer {
  url(): Promise<string>;
  close(): Promise<void>;
}

/** The Worker bundle built by the workerd run's global setup, booted with this app's bindings. */
async function startWorkerdServer(env: Record<string, string>, options: TestAppOptions): Promise<TestServer> {
  const worker = await startWorkerdApp(inject('workerBundle'), env, {
    outbound: options.workerOutbound,
    log: options.workerLog,
  });
  return { url: async () => worker.url, close: () => worker.close() };
}

/** @hono/node-server around the in-process app, started only when a test asks for real HTTP. */
function startNodeServer(app: ReturnType<typeof createApp>, env: Record<string, string>): TestServer {
  let started: Promise<{ url: string; close(): Promise<void> }> | undefined;
  return {
    url: async () => {
      started ??= new Promise((ready) => {
        const server = serve(
          { fetch: (request) => app.fetch(request, env), hostname: '127.0.0.1', port: 0 },
          (info) =>
            ready({
              url: `http://127.0.0.1:${info.port}`,
              close: () => new Promise<void>((done) => server.close(() => done())),
            }),
        );
      });
      return (await started).url;
    },
    close: async () => (await started)?.close(),
  };
}

/** A path, or a URL whose origin is ignored (as `app.request` ignores it), on the given server. */
function onServer(path: string, base: string): URL {
  const url = new URL(path, base);
  return new URL(`${url.pathname}${url.search}`, base);
}
