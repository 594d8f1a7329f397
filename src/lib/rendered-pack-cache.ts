const MAX_TOTAL_BYTES = 16 * 1024 * 1024;

export type Rendered = string | Uint8Array;

/** The build pack a rendering belongs to. */
export interface PackIdentity {
  workshopId: string;
  packId: string;
}

interface Entry extends PackIdentity {
  /** `jsonDigest` of everything the renderer read. */
  digest: string;
  body: Rendered;
}

const sizeOf = (value: Rendered) => (typeof value === 'string' ? value.length * 2 : value.byteLength);

/**
 * Rendered build packs, per isolate, so a repeated download skips rendering (a PDF costs hundreds of
 * milliseconds of CPU). An entry belongs to one pack and one input: it is served only to the same pack
 * (workshop and pack id, checked against the entry, not just looked up by them) whose renderer input has
 * the same SHA-256 digest. A pack keeps its newest rendering only; least recently used entries go first
 * once the total passes 16 MiB.
 */
export class RenderedPackCache {
  readonly #entries = new Map<string, Entry>();
  #totalBytes = 0;

  async getOrRender(pack: PackIdentity, digest: string, render: () => Promise<Rendered>): Promise<Rendered> {
    const key = JSON.stringify([pack.workshopId, pack.packId]);
    const entry = this.#entries.get(key);
    if (
      entry &&
      entry.workshopId === pack.workshopId &&
      entry.packId === pack.packId &&
      entry.digest === digest
    ) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      return entry.body;
    }
    const body = await render();
    this.#store(key, { ...pack, digest, body });
    return body;
  }

  #store(key: string, entry: Entry): void {
    this.#remove(key);
    const size = sizeOf(entry.body);
    if (size > MAX_TOTAL_BYTES / 4) return;
    this.#entries.set(key, entry);
    this.#totalBytes += size;
    for (const oldest of this.#entries.keys()) {
      if (this.#totalBytes <= MAX_TOTAL_BYTES) break;
      this.#remove(oldest);
    }
  }

  #remove(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#totalBytes -= sizeOf(entry.body);
  }
}
