import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import type { IdempotencyRequest, Replay } from '../db/queries/idempotency';
import { ApiError } from '../http/api-error';
import { idempotencyKeyReused } from '../http/idempotency';

/**
 * A retry with the same key and body answers as the first request did, without writing again: its refusal
 * (`refusedAgain`, for a first request that was refused) or what it created. The same key with another body
 * is 422.
 */
export function replayFirstAnswer<Resource>(
  c: Context<AppEnv>,
  replay: Replay<Resource>,
  idempotency: IdempotencyRequest | undefined,
  what: string,
  refusedAgain?: (detail: Record<string, unknown>) => ApiError,
): Resource {
  if (replay.record.request_hash !== idempotency?.requestHash) throw idempotencyKeyReused();
  c.header('Idempotent-Replayed', 'true');
  if (replay.record.response_status !== 201 && refusedAgain) {
    throw refusedAgain(replay.record.response_detail ?? {});
  }
  if (!replay.resource)
    throw new ApiError('not_found', `The ${what} created with this Idempotency-Key is gone.`);
  return replay.resource;
}
