/**
 * How much work the PDF renderer does between pauses, in UTF-16 code units of text prepared or laid
 * out. At a few microseconds of font shaping per code unit, this keeps each stretch of rendering to
 * a few milliseconds.
 */
export const WORK_PER_PAUSE = 1024;

type Immediate = (callback: () => void) => unknown;

/**
 * Rendering runs on the thread that serves every other request: one on Node, and a Workers isolate
 * may serve several requests at once. So the renderer pauses cooperatively: after every
 * WORK_PER_PAUSE units of work it hands control back to the event loop, which answers whatever else
 * arrived, and then carries on. The same code runs on every runtime, unlike a worker thread (Node
 * only, with its own copy of the renderer and fonts). Work is counted rather than timed because a
 * Workers isolate's clock stands still during computation, and so that where it pauses never depends
 * on the machine's speed.
 */
export class RenderPacer {
  #sincePause = 0;
  #total = 0;

  constructor(private readonly workPerPause = WORK_PER_PAUSE) {}

  /** All work recorded so far. */
  get total(): number {
    return this.#total;
  }

  /** Records `units` of work done where the renderer cannot pause; the next pause accounts for it. */
  add(units: number): void {
    this.#sincePause += units;
    this.#total += units;
  }

  /** Pauses if enough work has built up since the last pause. */
  async pauseIfDue(): Promise<void> {
    if (this.#sincePause < this.workPerPause) return;
    this.#sincePause = 0;
    await pause();
  }
}

/**
 * setImmediate lets Node handle pending I/O and then continue at once, without setTimeout's 1 ms
 * minimum delay; Workers have no setImmediate, and a zero timeout does the same there.
 */
function pause(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: Immediate }).setImmediate;
  return new Promise((resolve) => {
    if (immediate) immediate(resolve);
    else setTimeout(resolve, 0);
  });
}
