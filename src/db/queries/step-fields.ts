import { sql } from 'drizzle-orm';
import type { StepCompletion, StepStatus } from '../../domain/vocabulary';

/** A step as every answer describes it: its definition and where it stands. */
export type StepCore = {
  id: string;
  position: number;
  name: string;
  description: string;
  status: StepStatus;
  completion: StepCompletion | null;
};

export type StepWithOutput = StepCore & {
  startedAt: string | null;
  completedAt: string | null;
  updatedAt: string;
  output: Record<string, unknown> | null;
};

/** The `StepCore` members of a `json_build_object`, for a step `ws` joined to its definition `d`. */
export const STEP_CORE_JSON =
  "'id', d.id, 'position', d.position, 'name', d.name, 'description', d.description, " +
  "'status', ws.status, 'completion', ws.completion";

/** Every step of workshop `w`, in order, with times and output: what shared views and build packs show. */
export const stepsWithOutputs = sql.raw(`(
    select json_agg(json_build_object(${STEP_CORE_JSON},
      'startedAt', ws.started_at, 'completedAt', ws.completed_at, 'updatedAt', ws.updated_at, 'output', ws.output
    ) order by d.position)
    from workshop_steps ws join step_definitions d on d.id = ws.step_id
    where ws.workshop_id = w.id
  )`);
