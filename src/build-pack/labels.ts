import type { BuildPackStep, PackProgress, WorkshopStatus } from './source';

export const EMPTY_MARK = '—';

const WORKSHOP_STATUS_LABELS: Record<WorkshopStatus, string> = {
  draft: 'Draft',
  active: 'Active',
  paused: 'Paused',
  completed: 'Completed',
};

export function workshopStatusLabel(status: WorkshopStatus): string {
  return WORKSHOP_STATUS_LABELS[status] ?? String(status);
}

export type StepMark = 'not_started' | 'draft' | 'in_progress' | 'confirmed' | 'skipped' | 'complete';

/** Completion only means something once a step is complete; on other steps it is ignored. */
export function stepMark(step: Pick<BuildPackStep, 'status' | 'completion'>, hasOutput: boolean): StepMark {
  switch (step.status) {
    case 'not_started':
      return 'not_started';
    case 'in_progress':
      return hasOutput ? 'draft' : 'in_progress';
    case 'complete':
      if (step.completion === 'user_skipped') return 'skipped';
      return step.completion === 'ai_confirmed' ? 'confirmed' : 'complete';
    default:
      return 'not_started';
  }
}

const STEP_MARK_LABELS: Record<StepMark, string> = {
  not_started: 'Not started',
  draft: 'In progress — draft output',
  in_progress: 'In progress',
  confirmed: 'Complete — confirmed by the AI facilitator',
  skipped: 'Skipped by the user',
  complete: 'Complete',
};

export function stepMarkLabel(mark: StepMark): string {
  return STEP_MARK_LABELS[mark];
}

export function progressLabel(progress: PackProgress): string {
  const base = `${progress.completed} of ${progress.total} steps complete`;
  return progress.skipped > 0 ? `${base} (${progress.skipped} skipped by the user)` : base;
}

/** What an empty output means depends on whether the step is still open. */
export function noOutputNote(mark: StepMark): string {
  return mark === 'not_started' || mark === 'in_progress' ? 'No output yet.' : 'No output recorded.';
}
