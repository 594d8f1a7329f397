import { sql } from 'drizzle-orm';
import type { Database } from '../client';
import type { StepCompletion, StepStatus, WorkshopStatus } from '../schema';
import { accessCte, isOwner } from './access';

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

export type SharedStepRow = {
  id: string;
  position: number;
  name: string;
  description: string;
  status: StepStatus;
  completion: StepCompletion | null;
  startedAt: string | null;
  completedAt: string | null;
  output: Record<string, unknown> | null;
};

export type SharedWorkshopRow = {
  title: string;
  original_idea: string;
  status: WorkshopStatus;
  created_at: string;
  updated_at: string;
  steps: SharedStepRow[];
};

export async function findSharedWorkshop(
  db: Database,
  shareToken: string,
): Promise<SharedWorkshopRow | undefined> {
  const { rows } = await db.execute<SharedWorkshopRow>(sql`
    select w.title, w.original_idea, w.status, w.created_at, w.updated_at,
      (select json_agg(json_build_object(
        'id', d.id, 'position', d.position, 'name', d.name, 'description', d.description, 'status', ws.status,
        'completion', ws.completion, 'startedAt', ws.started_at, 'completedAt', ws.completed_at, 'output', ws.output
      ) order by d.position)
      from workshop_steps ws join step_definitions d on d.id = ws.step_id where ws.workshop_id = w.id) as steps
    from workshops w
    where w.share_token = ${shareToken} and w.visibility = 'shared'`);
  return rows[0];
}
