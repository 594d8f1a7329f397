import { sql } from 'drizzle-orm';
import type { Session } from '../../schemas/sessions';
import type { Database } from '../client';
import { accessCte, callerRole, isMember } from './access';
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
): Promise<{ role: string | null; sessions: Session[] }> {
  const { rows } = await db.execute<{ role: string | null; sessions: Session[] | null }>(sql`
    with ${accessCte(params)}
    select ${callerRole} as role,
      (select json_agg(${sessionJson('s')} order by s.started_at desc, s.id desc) from (
         select id, started_at, ended_at from sessions
         where workshop_id = ${params.workshopId} and ${isMember}
         order by started_at desc, id desc limit ${params.limit}
       ) s) as sessions`);
  return { role: rows[0]?.role ?? null, sessions: rows[0]?.sessions ?? [] };
}

/** Sets `ended_at` once; a session that was never persisted stays unwritten. */
export async function endSession(
  db: Database,
  params: { userId: string; workshopId: string; sessionId: string },
): Promise<{ role: string | null; session: Session | null; otherWorkshop: boolean }> {
  const { rows } = await db.execute<{
    role: string | null;
    session: Session | null;
    other_workshop: boolean;
  }>(sql`
    with ${accessCte(params)}, ended as (
      update sessions set ended_at = now()
      where id = ${params.sessionId} and workshop_id = ${params.workshopId} and ended_at is null
        and ${isMember}
      returning id, started_at, ended_at
    )
    select ${callerRole} as role,
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
    role: row?.role ?? null,
    session: row?.session ?? null,
    otherWorkshop: row?.other_workshop ?? false,
  };
}
