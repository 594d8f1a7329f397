import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { generateSigningKeyPair } from '../../scripts/local-auth/keys';
import { localClerkEnv } from '../../scripts/local-auth/local-clerk';
import { createApp } from '../../src/app';

export const PUBLIC_DIR = fileURLToPath(new URL('../../public', import.meta.url));

/**
 * Configuration that lets the app start. Nothing here is ever reached: the docs page, the OpenAPI document
 * and the static assets touch neither the database nor Clerk.
 */
export function docsOnlyEnv(): Record<string, string> {
  return {
    DATABASE_URL: 'postgres://docs:docs@127.0.0.1:9/never_connected',
    ...localClerkEnv(generateSigningKeyPair()),
    CORS_ORIGINS: 'http://localhost:5173',
    LOG_LEVEL: 'silent',
  };
}

export interface DocsServer {
  origin: string;
  /** Every path the server was asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** The app as the Node dev server runs it: static `/assets/*` from ./public, everything else to the app. */
export async function serveDocs(env: Record<string, string>): Promise<DocsServer> {
  const app = createApp();
  const requests: string[] = [];
  const site = new Hono();
  site.use('*', async (c, next) => {
    requests.push(new URL(c.req.url).pathname);
    await next();
  });
  site.use('/assets/*', serveStatic({ root: PUBLIC_DIR }));
  site.all('*', (c) => app.fetch(c.req.raw, env));

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: site.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
