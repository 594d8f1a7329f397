import { sql } from 'drizzle-orm';
import type { SharedWorkshop } from '../../schemas/shares';
import type { Database } from '../client';
import { accessCte, isOwner } from './access';
import { progressLateral, sharedWorkshopJson } from './workshop-view';

/** Sets or clears the share token, for owners only; answers the caller's role (null: not a member). */
export async function setShareToken(
  db: Database,
  params: { userId: string; workshopId: string; shareToken: string | null },
): Promise<{ role: string | null; changed: boolean }> {
  const visibility = params.shareToken ? 'shared' : 'private';
  const { rows } = await db.execute<{ role: string; changed: boolean }>(sql`
    with ${accessCte(params)}, changed as (
      update workshops set visibility = ${visibility}, share_token = ${params.shareToken}
      where id = ${params.workshopId} and ${isOwner}
      returning id
    )
    select role, exists (select 1 from changed) as changed from access`);
  return { role: rows[0]?.role ?? null, changed: rows[0]?.changed ?? false };
}

export async function findSharedWorkshop(
  db: Database,
  shareToken: string,
): Promise<SharedWorkshop | undefined> {
  const { rows } = await db.execute<{ workshop: SharedWorkshop }>(sql`
    select ${sharedWorkshopJson} as workshop
    from workshops w
    ${progressLateral}
    where w.share_token = ${shareToken} and w.visibility = 'shared'`);
  return rows[0]?.workshop;
}
