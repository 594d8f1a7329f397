import type { Caller } from './caller-claims';

const MAX_ENTRIES = 10_000;

/**
 * Verified session tokens, keyed by the whole token and never trusted past its `exp`, so that a caller
 * pays Clerk's verification once per token rather than once per request. Bounded; per isolate.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, { caller: Caller; expiresAtMs: number }>();

  get(token: string, nowMs = Date.now()): Caller | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    if (nowMs >= entry.expiresAtMs) {
      this.#entries.delete(token);
      return undefined;
    }
    return entry.caller;
  }

  set(token: string, caller: Caller, expiresAtMs: number): void {
    if (this.#entries.size >= MAX_ENTRIES) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, { caller, expiresAtMs });
  }

  get size(): number {
    return this.#entries.size;
  }
}
