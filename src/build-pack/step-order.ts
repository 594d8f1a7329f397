import type { BuildPackStep } from './source';

/** The route layer sends steps in position order; sorting again keeps every format right if it ever does not. */
export function orderedSteps(steps: readonly BuildPackStep[]): BuildPackStep[] {
  return [...steps].sort((a, b) => a.position - b.position);
}
