import {
  answeredFailure,
  type RoundTripFailure,
  type RoundTripRecord,
  thrownFailure,
} from './round-trip-record';

/** The per-request retry budget rides along in the driver's fetch options under this key. */
export const RETRIES_OPTION = 'workshopApiRetries';
/** So does the request's record of failed round trips. */
export const ROUND_TRIP_RECORD_OPTION = 'workshopApiRoundTrips';

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
 * `work`, or the signal's reason as soon as the signal aborts. Node's fetch does not always stop reading a
 * body when its signal aborts after the headers came: once in a few runs under load, a deadline fired
 * mid-body and the read went on until the body arrived 20 s later, then succeeded.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | null | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const abandon = () => reject(signal.reason);
    if (signal.aborted) abandon();
    signal.addEventListener('abort', abandon, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abandon));
  });
}

/**
 * The whole answer, read here rather than by the driver: the driver reads the body outside the error
 * handling that wraps its fetch, so a deadline or reset mid-body would escape as whatever the runtime
 * throws. Read here, it is one more failure of the round trip: recorded, and retried where allowed.
 */
async function fetchWholeAnswer(
  input: RequestInfo | URL,
  init: RequestInit,
): Promise<{ response: Response; body: ArrayBuffer }> {
  const answer = await fetch(input, { ...init, ...FETCH_WITHOUT_REDIRECTS });
  const body = await untilAborted(answer.arrayBuffer(), init.signal);
  const response = new Response(body.byteLength > 0 ? body : null, {
    status: answer.status,
    statusText: answer.statusText,
    headers: answer.headers,
  });
  return { response, body };
}

/**
 * The driver's fetch, retried when the database could not be reached or answered 5xx — but only as many
 * times as the request allows (reads and idempotent writes; never a plain create), and never past the
 * request's deadline. Postgres errors (HTTP 400) and oversized answers (507) are final. Every failed round
 * trip is written to the request's record (passed under ROUND_TRIP_RECORD_OPTION).
 */
export async function resilientFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const options = init as Record<string, unknown>;
  const retries = Number(options[RETRIES_OPTION] ?? 0);
  const record = options[ROUND_TRIP_RECORD_OPTION] as RoundTripRecord | undefined;
  const note = (failure: RoundTripFailure | undefined) => {
    if (record) record.failure = failure;
  };
  try {
    for (let attempt = 0; ; attempt++) {
      const canRetry = attempt < retries && !init.signal?.aborted;
      try {
        const { response, body } = await fetchWholeAnswer(input, init);
        note(answeredFailure(response.status, body));
        if (response.status < 500 || response.status === 507 || !canRetry) return response;
      } catch (error) {
        if (!canRetry || init.signal?.aborted) throw error;
      }
      await backoff(attempt, init.signal);
    }
  } catch (error) {
    note(thrownFailure(init.signal));
    throw error;
  }
}
