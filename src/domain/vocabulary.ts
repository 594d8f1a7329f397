/** The values a workshop, step or build pack field may take: the database checks them and the contract lists them. */
export const WORKSHOP_STATUSES = ['draft', 'active', 'paused', 'completed'] as const;
export const VISIBILITIES = ['private', 'shared'] as const;
export const STEP_STATUSES = ['not_started', 'in_progress', 'complete'] as const;
export const STEP_COMPLETIONS = ['ai_confirmed', 'user_skipped'] as const;
export const BUILD_PACK_FORMATS = ['markdown', 'pdf', 'json'] as const;

export type WorkshopStatus = (typeof WORKSHOP_STATUSES)[number];
export type Visibility = (typeof VISIBILITIES)[number];
export type StepStatus = (typeof STEP_STATUSES)[number];
export type StepCompletion = (typeof STEP_COMPLETIONS)[number];
export type BuildPackFormat = (typeof BUILD_PACK_FORMATS)[number];
