import type { PackProgress } from '../db/queries/build-packs';
import type { BuildPackFormat, StepCompletion, StepStatus, WorkshopStatus } from '../domain/vocabulary';

export type { BuildPackFormat, PackProgress, StepCompletion, StepStatus, WorkshopStatus };

export interface BuildPackStep {
  id: string; // slug, e.g. 'stakeholder-mapping'
  position: number; // 1..10
  name: string; // 'Stakeholder Mapping'
  description: string; // one line
  status: StepStatus;
  completion: StepCompletion | null;
  startedAt: Date | null;
  completedAt: Date | null;
  updatedAt: Date;
  output: Record<string, unknown> | null; // any JSON object: nested objects, arrays, long strings, numbers, booleans, null, Unicode
}

export interface BuildPackSource {
  pack: { id: string; title: string; format: BuildPackFormat; createdAt: Date; updatedAt: Date };
  workshop: {
    id: string;
    title: string;
    originalIdea: string;
    status: WorkshopStatus;
    createdAt: Date;
    updatedAt: Date;
  };
  /** As the database counts it for every answer; the renderers show it, they do not work it out. */
  progress: PackProgress;
  steps: BuildPackStep[]; // in position order
}
