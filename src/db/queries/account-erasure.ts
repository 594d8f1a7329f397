import { sql } from 'drizzle-orm';
import type { Database } from '../client';

export type ErasureCounts = {
  /** Workshops nobody else owned, deleted with everything in them (steps, sessions, packs, share link). */
  workshops: number;
  /** The person's memberships of workshops that stay because another owner remains. */
  memberships: number;
  /** Workshops they created that stay: their creator column now names the longest-standing remaining owner. */
  reassignedWorkshops: number;
  idempotencyKeys: number;
};

/**
 * Every workshop the person belongs to or created, locked the way membership changes lock it (in id order,
 * so two erasures cannot deadlock): an owner leaving at the same moment cannot make both believe the other
 * remains.
 */
const lockTheirWorkshops = (userId: string) => sql`
  select pg_advisory_xact_lock(hashtextextended('workshop-members:' || id, 0))
  from (
    select workshop_id as id from workshop_members where clerk_user_id = ${userId}
    union select id from workshops where clerk_user_id = ${userId}
  ) theirs
  order by id`;

/**
 * Then their rows, in the same order: every write that moves a workshop locks its row before (through its
 * trigger) its memberships, and the erasure deletes memberships and updates workshops, so it takes the
 * workshops first too and queues behind a step save instead of deadlocking with it.
 */
const lockTheirWorkshopRows = (userId: string) => sql`
  select 1 from workshops
  where id in (select workshop_id from workshop_members where clerk_user_id = ${userId})
     or clerk_user_id = ${userId}
  order by id
  for no key update`;

/**
 * All CTEs read the same snapshot, so the sets below are disjoint: `sole` workshops go (their rows cascade,
 * the person's membership in them included); elsewhere the membership goes, and a workshop they created
 * passes to a remaining owner. Running it again finds nothing and changes nothing.
 */
const eraseStatement = (userId: string) => sql`
  with sole as (
    delete from workshops w
    where (w.clerk_user_id = ${userId}
        or exists (select 1 from workshop_members m
                   where m.workshop_id = w.id and m.clerk_user_id = ${userId} and m.role = 'owner'))
      -- Per workshop, through the (workshop_id, clerk_user_id) index: never a scan of every owner there is.
      and not exists (select 1 from workshop_members o
                      where o.workshop_id = w.id and o.role = 'owner' and o.clerk_user_id <> ${userId})
    returning w.id
  ), memberships as (
    delete from workshop_members
    where clerk_user_id = ${userId} and workshop_id not in (select id from sole)
    returning workshop_id
  ), remaining as (
    update workshops w set clerk_user_id = case when w.clerk_user_id = ${userId} then (
        select o.clerk_user_id from workshop_members o
        where o.workshop_id = w.id and o.role = 'owner' and o.clerk_user_id <> ${userId}
        order by o.created_at, o.id limit 1
      ) else w.clerk_user_id end
    where w.id not in (select id from sole)
      and (w.clerk_user_id = ${userId} or w.id in (select workshop_id from memberships))
    returning w.id
  ), idempotency as (
    delete from idempotency_keys where clerk_user_id = ${userId} returning 1
  )
  select
    (select count(*)::int from sole) as workshops,
    (select count(*)::int from memberships) as memberships,
    (select count(*)::int from workshops w
      where w.clerk_user_id = ${userId} and w.id in (select id from remaining)) as "reassignedWorkshops",
    (select count(*)::int from idempotency) as "idempotencyKeys"`;

/**
 * Erases a deleted account: one batch, so one round trip and one transaction. The remaining workshops'
 * `updated_at` moves on, as it does for every membership change.
 */
export async function eraseAccount(db: Database, userId: string): Promise<ErasureCounts> {
  const [, , erased] = await db.batch([
    db.execute(lockTheirWorkshops(userId)),
    db.execute(lockTheirWorkshopRows(userId)),
    db.execute<ErasureCounts>(eraseStatement(userId)),
  ]);
  const counts = erased.rows[0];
  if (!counts) throw new Error('the erasure statement returned no row');
  return counts;
}
