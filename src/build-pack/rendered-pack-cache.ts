import { ApiError } from '../http/api-error';

const MAX_TOTAL_BYTES = 16 * 1024 * 1024;
/** What a remembered refusal is counted as, against the total. */
const REFUSAL_BYTES = 1024;

export type Rendered = string | Uint8Array;

/** The build pack a rendering belongs to. */
export interface PackIdentity {
  workshopId: string;
  packId: string;
}

type State =
  /** Concurrent downloads of the same pack and input share one rendering. */
  | { kind: 'rendering'; result: Promise<Rendered> }
  | { kind: 'rendered'; body: Rendered }
  /**
   * The problem that refused it (say, a pack too large to render): renderers are pure, so the same input
   * is refused again, and remembering that saves the seconds of work it took to find out.
   */
  | { kind: 'refused'; problem: ApiError };

interface Entry extends PackIdentity {
  /** `jsonDigest` of everything the renderer read. */
  digest: string;
  state: State;
}

function sizeOf(state: State): number {
  if (state.kind === 'rendering') return 0;
  if (state.kind === 'refused') return REFUSAL_BYTES;
  return typeof state.body === 'string' ? state.body.length * 2 : state.body.byteLength;
}

/**
 * Rendered build packs, per isolate, so a repeated download skips rendering (a PDF costs hundreds of
 * milliseconds of CPU, a refused one seconds). An entry belongs to one pack and one input: it is served
 * only to the same pack (workshop and pack id, checked against the entry, not just looked up by them)
 * whose renderer input has the same SHA-256 digest. A pack keeps its newest rendering only; least
 * recently used entries go first once the total passes 16 MiB.
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
      this.#touch(key, entry);
      if (entry.state.kind === 'rendering') return entry.state.result;
      if (entry.state.kind === 'refused') throw entry.state.problem;
      return entry.state.body;
    }
    const result = render();
    const rendering: Entry = { ...pack, digest, state: { kind: 'rendering', result } };
    this.#store(key, rendering);
    try {
      const body = await result;
      this.#settle(key, rendering, { kind: 'rendered', body });
      return body;
    } catch (error) {
      // Only the API's own refusals are facts about the input; anything else may not happen again.
      if (error instanceof ApiError) this.#settle(key, rendering, { kind: 'refused', problem: error });
      else if (this.#entries.get(key) === rendering) this.#remove(key);
      throw error;
    }
  }

  /** Records how a rendering ended, unless a newer one for the same pack has taken its place meanwhile. */
  #settle(key: string, rendering: Entry, state: State): void {
    if (this.#entries.get(key) !== rendering) return;
    this.#store(key, { ...rendering, state });
  }

  #touch(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
  }

  #store(key: string, entry: Entry): void {
    this.#remove(key);
    const size = sizeOf(entry.state);
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
    this.#totalBytes -= sizeOf(entry.state);
  }
}
