/** How long an isolate serves step definitions without asking the database. */
export const STEP_DEFINITIONS_TTL_MS = 10_000;

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/**
 * Step definitions are reference data every client reads and almost nobody writes, so each isolate keeps
 * them for a few seconds: a conditional GET is then answered without a database round trip. An admin's
 * edit clears the entry in the isolate that made it; other isolates see it within the TTL.
 */
export class ReferenceDataCache<T> {
  readonly #entries = new Map<string, Entry<T>>();

  constructor(private readonly ttlMs: number) {}

  async get(key: string, load: () => Promise<T>, now = Date.now()): Promise<T> {
    const entry = this.#entries.get(key);
    if (entry && now < entry.expiresAt) return entry.value;
    const value = await load();
    this.#entries.set(key, { value, expiresAt: now + this.ttlMs });
    return value;
  }

  invalidate(key: string): void {
    this.#entries.delete(key);
  }
}
