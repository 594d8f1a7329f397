import { sql } from 'drizzle-orm';
import type { Session } from '../../schemas/sessions';
import type { Database } from '../client';
import { accessCte, isMember } from './access';
import { isoTime, jsonObject } from './json-shape';

/** A session row `s` as answers show it (`Session`). */
const sessionJson = (s: string) =>
  sql.raw(
    jsonObject<Session>({
      id: `${s}.id`,
      startedAt: isoTime(`${s}.started_at`),
      endedAt: isoTime(`${s}.ended_at`),
    }),
  );

export async function listSessions(
  db: Database,
  params: { userId: string; workshopId: string; limit: number },
): Promise<{ member: boolean; sessions: Session[] }> {
  const { rows } = await db.execute<{ member: boolean; sessions: Session[] | null }>(sql`
    with ${accessCte(params)}
    select ${isMember} as member,
      (select json_agg(${sessionJson('s')} order by s.started_at desc, s.id desc) from (
         select id, started_at, ended_at from sessions
         where workshop_id = ${params.workshopId} and ${isMember}
         order by started_at desc, id desc limit ${params.limit}
       ) s) as sessions`);
  return { member: rows[0]?.member ?? false, sessions: rows[0]?.sessions ?? [] };
}

/** Sets `ended_at` once; a session that was never persisted stays unwritten. */
export async function endSession(
  db: Database,
  params: { userId: string; workshopId: string; sessionId: string },
): Promise<{ member: boolean; session: Session | null; otherWorkshop: boolean }> {
  const { rows } = await db.execute<{
    member: boolean;
    session: Session | null;
    other_workshop: boolean;
  }>(sql`
    with ${accessCte(params)}, ended as (
      update sessions set ended_at = now()
      where id = ${params.sessionId} and workshop_id = ${params.workshopId} and ended_at is null
        and ${isMember}
      returning id, started_at, ended_at
    )
    select ${isMember} as member,
      coalesce(
        (select ${sessionJson('e')} from ended e),
        (select ${sessionJson('s')} from (
           select id, started_at, ended_at from sessions
           where id = ${params.sessionId} and workshop_id = ${params.workshopId} and ${isMember}
         ) s)
      ) as session,
      exists (select 1 from sessions where id = ${params.sessionId} and workshop_id <> ${params.workshopId}) as other_workshop`);
  const row = rows[0];
  return {
    member: row?.member ?? false,
    session: row?.session ?? null,
    otherWorkshop: row?.other_workshop ?? false,
  };
}
