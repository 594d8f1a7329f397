import { type SQL, sql } from 'drizzle-orm';

/**
 * Taken first by every statement batch that can make a user own one more workshop (creating one, being
 * made an owner), so under READ COMMITTED the count that follows sees every committed change and
 * concurrent requests queue up. Losing ownership needs no lock: it can only lower the count.
 */
export const ownershipLock = (userId: string): SQL =>
  sql`select pg_advisory_xact_lock(hashtextextended(${`workshop-cap:${userId}`}, 0))`;

/** How many workshops the user owns now: the owner role in `workshop_members`, whoever created them. */
export const ownedWorkshopCount = (userId: string): SQL =>
  sql`(select count(*)::int from workshop_members where clerk_user_id = ${userId} and role = 'owner')`;
