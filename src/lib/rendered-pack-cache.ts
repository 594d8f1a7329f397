const MAX_TOTAL_BYTES = 16 * 1024 * 1024;

type Rendered = string | Uint8Array;

const sizeOf = (value: Rendered) => (typeof value === 'string' ? value.length * 2 : value.byteLength);

/**
 * Rendered build packs by content tag, per isolate: the tag is a hash of everything the pure renderers
 * read, so an entry can never be stale, and a repeated download skips rendering (a PDF costs hundreds of
 * milliseconds of CPU). Least recently used entries go first once the total passes 16 MiB.
 */
export class RenderedPackCache {
  readonly #entries = new Map<string, Rendered>();
  #totalBytes = 0;

  get(tag: string): Rendered | undefined {
    const value = this.#entries.get(tag);
    if (value === undefined) return undefined;
    this.#entries.delete(tag);
    this.#entries.set(tag, value);
    return value;
  }

  set(tag: string, value: Rendered): void {
    const size = sizeOf(value);
    if (size > MAX_TOTAL_BYTES / 4) return;
    this.#remove(tag);
    this.#entries.set(tag, value);
    this.#totalBytes += size;
    for (const oldest of this.#entries.keys()) {
      if (this.#totalBytes <= MAX_TOTAL_BYTES) break;
      this.#remove(oldest);
    }
  }

  #remove(tag: string): void {
    const value = this.#entries.get(tag);
    if (value === undefined) return;
    this.#entries.delete(tag);
    this.#totalBytes -= sizeOf(value);
  }
}
