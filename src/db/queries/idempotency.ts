import { type SQL, sql } from 'drizzle-orm';
import { IDEMPOTENCY_TTL_HOURS, type IdempotencyRequest } from '../../lib/idempotency';

export type IdempotencyRecord = {
  request_hash: string;
  response_status: number;
  resource_id: string | null;
  response_detail: Record<string, unknown> | null;
};

/**
 * Statements that make a create idempotent inside its own batch (one round trip, one transaction):
 * `lock` serialises requests carrying the same key, so concurrent retries wait and then see the first
 * one's record; `isFirst` guards the create; `remember` records the outcome; `recall` reads it back.
 * Expired keys of the caller are swept as part of the same batch.
 */
export function idempotencyStatements(userId: string, request: IdempotencyRequest | undefined) {
  const key = request?.scopedKey ?? null;
  const isFirst = request
    ? sql`not exists (select 1 from idempotency_keys where clerk_user_id = ${userId} and key = ${key} and expires_at > now())`
    : sql.raw('true');
  return {
    isFirst,
    lock: sql`with swept as (
        delete from idempotency_keys where clerk_user_id = ${userId} and expires_at <= now() returning 1
      )
      select pg_advisory_xact_lock(hashtextextended(${`idempotency:${userId}:${key ?? ''}`}, 0)),
        (select count(*) from swept) as swept`,
    remember: (status: SQL, resourceId: SQL, detail: SQL) =>
      sql`insert into idempotency_keys
          (clerk_user_id, key, request_hash, response_status, resource_id, response_detail, expires_at)
        select ${userId}, ${key}, ${request?.requestHash ?? null}, ${status}, ${resourceId}, ${detail},
          now() + ${`${IDEMPOTENCY_TTL_HOURS} hours`}::interval
        where ${key}::text is not null and ${isFirst}`,
    recall: sql`select request_hash, response_status, resource_id, response_detail from idempotency_keys
      where clerk_user_id = ${userId} and key = ${key}`,
    recallResourceId: sql`select resource_id from idempotency_keys where clerk_user_id = ${userId} and key = ${key}`,
  };
}
