/** The per-request retry budget rides along in the driver's fetch options under this key. */
export const RETRIES_OPTION = 'workshopApiRetries';

const BASE_BACKOFF_MS = 40;

/**
 * Neon's SQL endpoint never redirects. Saying so (and that there is no window to follow them for) lets
 * Node's fetch skip the copy of the request, body included, that it otherwise makes for following
 * redirects: about 60 µs of CPU per round trip. workerd refuses `redirect: 'error'` outright.
 */
export const FETCH_WITHOUT_REDIRECTS: Record<string, unknown> =
  (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === 'Cloudflare-Workers'
    ? {}
    : { redirect: 'error', window: null };

function backoff(attempt: number, signal: AbortSignal | null | undefined): Promise<void> {
  // Full jitter: concurrent retries after one hiccup must not arrive together.
  const delay = Math.random() * BASE_BACKOFF_MS * 2 ** attempt;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, delay);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * The driver's fetch, retried when the database could not be reached or answered 5xx — but only as many
 * times as the request allows (reads and idempotent writes; never a plain create), and never past the
 * request's deadline. Postgres errors (HTTP 400) and oversized answers (507) are final.
 */
export async function resilientFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const retries = Number((init as Record<string, unknown>)[RETRIES_OPTION] ?? 0);
  for (let attempt = 0; ; attempt++) {
    const canRetry = attempt < retries && !init.signal?.aborted;
    try {
      const response = await fetch(input, { ...init, ...FETCH_WITHOUT_REDIRECTS });
      if (response.status < 500 || response.status === 507 || !canRetry) return response;
      await response.body?.cancel();
    } catch (error) {
      if (!canRetry || init.signal?.aborted) throw error;
    }
    await backoff(attempt, init.signal);
  }
}
