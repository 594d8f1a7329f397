export interface Deadline {
  signal: AbortSignal;
  /** Stops the clock; call it when the work it bounds is over, so no timer outlives the request. */
  clear(): void;
}

/**
 * An abort signal that fires after `ms` unless cleared first. `AbortSignal.timeout()` cannot be cleared:
 * on Node every request's signal would still fire, with a DOMException and an abort event, seconds after
 * the request ended.
 */
export function startDeadline(ms: number): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`No answer within ${ms} ms.`, 'TimeoutError')),
    ms,
  );
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
