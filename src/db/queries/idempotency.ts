import { type SQL, sql } from 'drizzle-orm';
import { MAX_IDEMPOTENCY_KEYS_PER_USER } from '../../domain/storage-limits';

/** How long a key answers as its first request did. */
export const IDEMPOTENCY_TTL_HOURS = 24;

export interface IdempotencyRequest {
  /** The client's key, scoped to the operation so one key cannot collide across routes. */
  scopedKey: string;
  requestHash: string;
}

export type IdempotencyRecord = {
  request_hash: string;
  response_status: number;
  resource_id: string | null;
  response_detail: Record<string, unknown> | null;
};

/** A request whose Idempotency-Key was seen before: the first request's record and what it created. */
export interface Replay<Resource> {
  record: IdempotencyRecord;
  /** Read now: null once deleted. */
  resource: Resource | null;
}

/** What the caller's unexpired keys add up to before this request: read under the lock, so exact. */
export type IdempotencyBudget = { held: number; oldest_expires_at: string | null };

/**
 * Statements that make a create idempotent inside its own batch (one round trip, one transaction):
 * `lock` serialises the caller's keyed requests (so concurrent retries wait and then see the first one's
 * record, and the per-user key count is exact) and answers the caller's `IdempotencyBudget`; `accepts`
 * guards the create (a new key, within the per-user limit); `remember` records the outcome; `recall` reads
 * it back. Expired keys of the caller are swept as part of the same batch.
 */
export function idempotencyStatements(userId: string, request: IdempotencyRequest | undefined) {
  const key = request?.scopedKey ?? null;
  const live = sql`idempotency_keys where clerk_user_id = ${userId} and expires_at > now()`;
  const accepts = request
    ? sql`(not exists (select 1 from ${live} and key = ${key})
        and (select count(*) from ${live}) < ${MAX_IDEMPOTENCY_KEYS_PER_USER})`
    : sql.raw('true');
  return {
    accepts,
    lock: sql`with swept as (
        delete from idempotency_keys where clerk_user_id = ${userId} and expires_at <= now() returning 1
      )
      select pg_advisory_xact_lock(hashtextextended(${`idempotency:${userId}`}, 0)),
        (select count(*) from swept) as swept,
        (select count(*)::int from ${live}) as held,
        (select min(expires_at) from ${live}) as oldest_expires_at`,
    remember: (status: SQL, resourceId: SQL, detail: SQL) =>
      sql`insert into idempotency_keys
          (clerk_user_id, key, request_hash, response_status, resource_id, response_detail, expires_at)
        select ${userId}, ${key}, ${request?.requestHash ?? null}, ${status}, ${resourceId}, ${detail},
          now() + ${`${IDEMPOTENCY_TTL_HOURS} hours`}::interval
        where ${key}::text is not null and ${accepts}`,
    recall: sql`select request_hash, response_status, resource_id, response_detail from idempotency_keys
      where clerk_user_id = ${userId} and key = ${key}`,
    recallResourceId: sql`select resource_id from idempotency_keys where clerk_user_id = ${userId} and key = ${key}`,
  };
}

/** A new key refused because the caller already holds the most keys allowed; undefined when it was not. */
export function keyLimitRefusal(
  request: IdempotencyRequest | undefined,
  budget: IdempotencyBudget | undefined,
  record: IdempotencyRecord | undefined,
): { retryAt: Date } | undefined {
  if (!request || record || !budget || budget.held < MAX_IDEMPOTENCY_KEYS_PER_USER) return undefined;
  return { retryAt: new Date(budget.oldest_expires_at ?? Date.now()) };
}
