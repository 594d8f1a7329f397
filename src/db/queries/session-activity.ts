import { type SQL, sql } from 'drizzle-orm';
import { MAX_SESSIONS_PER_WORKSHOP } from '../../domain/storage-limits';

export interface SessionIntent {
  /** The client's session id when it sent a well-formed one, else a new one. */
  id: string;
}

/**
 * The id used instead of a client's id that belongs to another workshop or has ended. Derived from both by
 * Postgres (only when needed), so repeated or concurrent requests carrying the same unusable id share one
 * replacement session. Shaped like every session id: `ses_`, a letter, then 23 of [a-z0-9].
 */
function replacementSessionId(sentId: string, workshopId: string): SQL {
  return sql`(
    select 'ses_' || chr(97 + get_byte(digest, 0) % 26) || substr(encode(digest, 'hex'), 3, 23)
    from (
      select sha256(convert_to(${sentId}, 'UTF8') || decode('00', 'hex') || convert_to(${workshopId}, 'UTF8'))
        as digest
    ) as derived
  )`;
}

/**
 * CTEs that record a meaningful activity's session in the same statement as the activity: the row is
 * inserted once (concurrent requests with one new id race on the primary key and all but one do nothing),
 * only when `happened` holds, and never under an id that belongs to another workshop or has ended. A new
 * row makes room for itself: the workshop keeps its newest `MAX_SESSIONS_PER_WORKSHOP` sessions (the
 * statement's snapshot does not see the new row, hence one fewer of the others).
 * Expects to be placed in a WITH list; exposes `chosen_session(id)`.
 */
export function sessionActivityCtes(session: SessionIntent, workshopId: string, happened: SQL): SQL {
  return sql`chosen_session as (
      select case when exists (
        select 1 from sessions s
        where s.id = ${session.id} and (s.workshop_id <> ${workshopId} or s.ended_at is not null)
      ) then ${replacementSessionId(session.id, workshopId)} else ${session.id} end as id
    ), session_write as (
      insert into sessions (id, workshop_id)
      select (select id from chosen_session), ${workshopId}
      where ${happened}
      on conflict (id) do nothing
      returning id
    ), session_retention as (
      delete from sessions where id in (
        select id from sessions where workshop_id = ${workshopId}
        order by started_at desc, id desc offset ${MAX_SESSIONS_PER_WORKSHOP - 1}
      ) and exists (select 1 from session_write)
    )`;
}

/** The session id to announce: only when the activity happened. */
export const chosenSessionColumn = (happened: SQL) =>
  sql`case when ${happened} then (select id from chosen_session) end as session_id`;
