import { sql } from 'drizzle-orm';
import type { SharedWorkshop } from '../../schemas/shares';
import type { Progress, Workshop, WorkshopDetail } from '../../schemas/workshops';
import { isoTime, type JsonFields, jsonObject } from './json-shape';
import { sharedStepsOfWorkshop, stepSummariesOfWorkshop } from './step-fields';

/**
 * Progress and the current step, derived from step data in the same statement as the workshop (alias `w`):
 * the one place either is worked out. Skipped steps count as complete.
 */
export const progressLateral = sql.raw(`cross join lateral (
    select count(*) filter (where ws.status = 'complete')::int as completed,
           count(*) filter (where ws.status = 'complete' and ws.completion = 'user_skipped')::int as skipped,
           count(*)::int as total,
           (array_agg(ws.step_id order by d.position) filter (where ws.status <> 'complete'))[1] as current_step_id
    from workshop_steps ws join step_definitions d on d.id = ws.step_id
    where ws.workshop_id = w.id
  ) progress`);

const progressJson = jsonObject<Progress>({ completed: 'progress.completed', total: 'progress.total' });

/** A workshop `w` with `progressLateral` in scope, for a caller whose role is the SQL `role`. */
function workshopFields(role: string): JsonFields<Workshop> {
  return {
    id: 'w.id',
    title: 'w.title',
    originalIdea: 'w.original_idea',
    status: 'w.status',
    visibility: 'w.visibility',
    role,
    progress: progressJson,
    currentStepId: 'progress.current_step_id',
    orgId: 'w.org_id',
    templateId: 'w.template_id',
    createdAt: isoTime('w.created_at'),
    updatedAt: isoTime('w.updated_at'),
  };
}

/** A workshop as lists show it (`Workshop`). */
export const workshopJson = (role: string) => sql.raw(jsonObject<Workshop>(workshopFields(role)));

/** A workshop with its steps (`WorkshopDetail`); the share token is shown to owners only. */
export const workshopDetailJson = (role: string) =>
  sql.raw(
    jsonObject<WorkshopDetail>({
      ...workshopFields(role),
      shareToken: `case when ${role} = 'owner' then w.share_token end`,
      steps: stepSummariesOfWorkshop(),
    }),
  );

/** The read-only view behind a share link (`SharedWorkshop`). */
export const sharedWorkshopJson = sql.raw(
  jsonObject<SharedWorkshop>({
    title: 'w.title',
    originalIdea: 'w.original_idea',
    status: 'w.status',
    progress: progressJson,
    currentStepId: 'progress.current_step_id',
    createdAt: isoTime('w.created_at'),
    updatedAt: isoTime('w.updated_at'),
    steps: sharedStepsOfWorkshop(),
  }),
);

/** The newest definition among the steps of workshop `w`: a renamed step changes the workshop's body. */
export const newestStepDefinition = sql.raw(`(
    select ${isoTime('max(d.updated_at)')}
    from workshop_steps ws join step_definitions d on d.id = ws.step_id
    where ws.workshop_id = w.id
  )`);
