import type { IdempotencyRequest } from '../db/queries/idempotency';
import { sha256Hex } from '../domain/sha256';
import { MAX_IDEMPOTENCY_KEYS_PER_USER } from '../domain/storage-limits';
import { ApiError } from './api-error';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
const KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;

/** Keys sorted at every level, so the same body with its fields in another order is the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export async function readIdempotency(
  header: string | undefined,
  scope: string,
  body: unknown,
): Promise<IdempotencyRequest | undefined> {
  if (header === undefined) return undefined;
  if (!KEY_PATTERN.test(header)) {
    throw new ApiError('validation_failed', 'The Idempotency-Key header is not valid.', {
      errors: [{ path: IDEMPOTENCY_HEADER, message: 'expected 1 to 255 visible ASCII characters' }],
    });
  }
  return { scopedKey: `${scope}:${header}`, requestHash: await sha256Hex(canonicalJson(body)) };
}

export const idempotencyKeyReused = () =>
  new ApiError(
    'idempotency_key_reused',
    'This Idempotency-Key was already used with a different request body. Use a new key for a new request.',
  );

export const idempotencyKeyLimitReached = (retryAt: Date) => {
  const seconds = Math.max(1, Math.ceil((retryAt.getTime() - Date.now()) / 1000));
  return new ApiError(
    'idempotency_key_limit_reached',
    `You hold ${MAX_IDEMPOTENCY_KEYS_PER_USER} unexpired Idempotency-Keys. Retry later, or send the request without one.`,
    { extensions: { limit: MAX_IDEMPOTENCY_KEYS_PER_USER }, headers: { 'Retry-After': String(seconds) } },
  );
};
