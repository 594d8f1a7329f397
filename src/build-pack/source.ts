import type { BuildPackFormat, StepCompletion, StepStatus, WorkshopStatus } from '../domain/vocabulary';

export type { BuildPackFormat, StepCompletion, StepStatus, WorkshopStatus };

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
  steps: BuildPackStep[]; // in position order
}
