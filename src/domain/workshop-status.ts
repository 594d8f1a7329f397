import type { WorkshopStatus } from './vocabulary';

/**
 * What a PATCH may do. `completed` is never set by hand: it follows from the last step completing,
 * and step activity moves a draft (or paused) workshop to active by itself.
 */
export const MANUAL_TRANSITIONS: Readonly<Record<WorkshopStatus, readonly WorkshopStatus[]>> = {
  draft: ['active', 'paused'],
  active: ['paused'],
  paused: ['active'],
  completed: ['active'],
};

export function statusesThatReach(target: WorkshopStatus): WorkshopStatus[] {
  return (Object.keys(MANUAL_TRANSITIONS) as WorkshopStatus[]).filter((from) =>
    MANUAL_TRANSITIONS[from].includes(target),
  );
}
