/**
 * Runs INSIDE workerd (the Workers suite): requests go through the worker's real default export, with the
 * bindings of wrangler.toml plus those the Node-side global setup provided.
 */
import { env, exports } from 'cloudflare:workers';

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import('../../src/index');
    }
    interface Env {
      /** The `wrangler deploy` bundle, booted as its own worker (vitest.workers.config.ts). */
      BUNDLED_WORKER: Fetcher;
    }
  }
}

const ORIGIN = 'http://workshop-api.test';

export function workerFetch(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(new URL(path, ORIGIN), init));
}

/** The same request, sent to the bundle `wrangler deploy` would upload instead of the pool-loaded `main`. */
export function bundledWorkerFetch(path: string, init?: RequestInit): Promise<Response> {
  return env.BUNDLED_WORKER.fetch(new Request(new URL(path, ORIGIN), init));
}

export const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });

export function jsonRequest(
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): RequestInit {
  return { method, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers } };
}
