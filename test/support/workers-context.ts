import type { WorkerBundle } from './workers-bundle';

/** What the Workers suite's Node-side global setup hands to the worker and its tests (through `provide`). */
export const WORKER_USERS = {
  owner: 'user_worker_owner',
  stranger: 'user_worker_stranger',
  leaver: 'user_worker_leaver',
} as const;

export interface WorkerTokens {
  /** A valid session token for WORKER_USERS.owner (free plan). */
  owner: string;
  /** A valid session token for WORKER_USERS.stranger (pro plan). */
  stranger: string;
  /** A valid session token for WORKER_USERS.leaver, whom the webhook suite deletes. */
  leaver: string;
  /** Signed with the right key, expired a minute ago. */
  expired: string;
  /** Well-formed, signed with a key the worker does not know. */
  wrongKey: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Miniflare bindings for the worker: DATABASE_URL, NEON_SQL_ENDPOINT, the Clerk public key, … */
    workerBindings: Record<string, string>;
    workerTokens: WorkerTokens;
    /** The bundle `wrangler deploy` uploads (scripts/build-worker.ts), booted as an auxiliary worker. */
    workerBundle: WorkerBundle;
  }
}
