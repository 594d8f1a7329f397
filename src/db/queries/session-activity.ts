import { type SQL, sql } from 'drizzle-orm';
import type { SessionIntent } from '../../app-env';

/**
 * CTEs that record a meaningful activity's session in the same statement as the activity: the row is
 * inserted once (concurrent requests with one new id race on the primary key and all but one do nothing),
 * only when `happened` holds, and never under an id that belongs to another workshop or has ended.
 * Expects to be placed in a WITH list; exposes `chosen_session(id)`.
 */
export function sessionActivityCtes(session: SessionIntent, workshopId: string, happened: SQL): SQL {
  return sql`chosen_session as (
      select case when exists (
        select 1 from sessions s
        where s.id = ${session.id} and (s.workshop_id <> ${workshopId} or s.ended_at is not null)
      ) then ${session.fallbackId} else ${session.id} end as id
    ), session_write as (
      insert into sessions (id, workshop_id)
      select (select id from chosen_session), ${workshopId}
      where ${happened}
      on conflict (id) do nothing
      returning id
    )`;
}

/** The session id to announce: only when the activity happened. */
export const chosenSessionColumn = (happened: SQL) =>
  sql`case when ${happened} then (select id from chosen_session) end as session_id`;
