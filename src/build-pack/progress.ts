import type { BuildPackStep } from './source';

export interface Progress {
  completed: number;
  skipped: number;
  total: number;
}

/** Skipped steps count as complete: the workshop moves past them exactly as past confirmed ones. */
export function progressOf(steps: readonly BuildPackStep[]): Progress {
  const completed = steps.filter((step) => step.status === 'complete');
  return {
    completed: completed.length,
    skipped: completed.filter((step) => step.completion === 'user_skipped').length,
    total: steps.length,
  };
}
