import { type SQL, sql } from 'drizzle-orm';

export interface WorkshopScope {
  userId: string;
  workshopId: string;
}

/**
 * The caller's membership, folded into the statement that does the work (one round trip): a CTE
 * `access(role)` with one row for a member and none otherwise. Place it first in a WITH list.
 */
export function accessCte(scope: WorkshopScope): SQL {
  return sql`access as (
    select role from workshop_members where workshop_id = ${scope.workshopId} and clerk_user_id = ${scope.userId}
  )`;
}

const IS_MEMBER = 'exists (select 1 from access)';
export const IS_EDITOR = `exists (select 1 from access where role in ('owner', 'editor'))`;
const IS_OWNER = `exists (select 1 from access where role = 'owner')`;

export const isMember = sql.raw(IS_MEMBER);
export const isEditor = sql.raw(IS_EDITOR);
export const isOwner = sql.raw(IS_OWNER);
/** The caller's role, or null for a non-member. */
export const callerRole = sql.raw('(select role from access)');
