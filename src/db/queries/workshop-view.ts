import { sql } from 'drizzle-orm';
import { toIso } from '../../lib/timestamps';
import type { WorkshopStatus } from '../schema';

/** Progress and the current step, derived from step data in the same statement as the workshop (alias `w`). */
export const progressLateral = sql.raw(`cross join lateral (
    select count(*) filter (where ws.status = 'complete')::int as completed,
           count(*)::int as total,
           (array_agg(ws.step_id order by d.position) filter (where ws.status <> 'complete'))[1] as current_step_id
    from workshop_steps ws join step_definitions d on d.id = ws.step_id
    where ws.workshop_id = w.id
  ) progress`);

export const workshopColumns = sql.raw(`w.id, w.title, w.original_idea, w.status, w.visibility, w.share_token,
  w.org_id, w.template_id, w.created_at, w.updated_at,
  progress.completed, progress.total, progress.current_step_id`);

export type WorkshopRow = {
  id: string;
  title: string;
  original_idea: string;
  status: WorkshopStatus;
  visibility: 'private' | 'shared';
  share_token: string | null;
  org_id: string | null;
  template_id: string | null;
  created_at: string;
  updated_at: string;
  completed: number;
  total: number;
  current_step_id: string | null;
  role: string;
};

export interface WorkshopView {
  id: string;
  title: string;
  originalIdea: string;
  status: WorkshopStatus;
  visibility: 'private' | 'shared';
  role: string;
  progress: { completed: number; total: number };
  currentStepId: string | null;
  orgId: string | null;
  templateId: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toWorkshopView(row: WorkshopRow): WorkshopView {
  return {
    id: row.id,
    title: row.title,
    originalIdea: row.original_idea,
    status: row.status,
    visibility: row.visibility,
    role: row.role,
    progress: { completed: row.completed, total: row.total },
    currentStepId: row.current_step_id,
    orgId: row.org_id,
    templateId: row.template_id,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}
