import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import {
  BUILD_PACK_FORMATS,
  type BuildPackFormat,
  STEP_COMPLETIONS,
  STEP_STATUSES,
  type StepCompletion,
  type StepStatus,
  VISIBILITIES,
  type Visibility,
  WORKSHOP_STATUSES,
  type WorkshopStatus,
} from '../domain/vocabulary';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });
const createdAt = () => timestamptz('created_at').notNull().defaultNow();
/** Kept current by the `set_updated_at` trigger (drizzle/0001), so raw SQL updates cannot forget it. */
const updatedAt = () => timestamptz('updated_at').notNull().defaultNow();

const oneOf = (column: string, values: readonly string[]) =>
  sql.raw(`${column} IN (${values.map((value) => `'${value}'`).join(', ')})`);

export const workshops = pgTable(
  'workshops',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    originalIdea: text('original_idea').notNull(),
    status: text('status').$type<WorkshopStatus>().notNull().default('draft'),
    clerkUserId: text('clerk_user_id').notNull(),
    orgId: text('org_id'),
    templateId: text('template_id'),
    visibility: text('visibility').$type<Visibility>().notNull().default('private'),
    shareToken: text('share_token').unique('workshops_share_token_unique'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    check('workshops_status_check', oneOf('status', WORKSHOP_STATUSES)),
    check('workshops_visibility_check', oneOf('visibility', VISIBILITIES)),
    check(
      'workshops_share_token_matches_visibility',
      sql`(visibility = 'shared') = (share_token IS NOT NULL)`,
    ),
    index('workshops_owner_idx').on(table.clerkUserId, table.createdAt),
  ],
);

export const workshopMembers = pgTable(
  'workshop_members',
  {
    id: text('id').primaryKey(),
    workshopId: text('workshop_id')
      .notNull()
      .references(() => workshops.id, { onDelete: 'cascade' }),
    clerkUserId: text('clerk_user_id').notNull(),
    role: text('role').notNull(),
    createdAt: createdAt(),
    /**
     * Copies of the workshop's `updated_at` and `status`, kept equal by triggers (drizzle/0005), so one
     * index serves a member's workshop list in its order and a page costs its own size, not the member's.
     */
    workshopUpdatedAt: timestamptz('workshop_updated_at').notNull(),
    workshopStatus: text('workshop_status').$type<WorkshopStatus>().notNull(),
  },
  (table) => [
    unique('workshop_members_workshop_user_unique').on(table.workshopId, table.clerkUserId),
    index('workshop_members_user_list_idx').on(
      table.clerkUserId,
      table.workshopUpdatedAt.desc().nullsFirst(),
      table.workshopId.desc().nullsFirst(),
    ),
    index('workshop_members_user_status_list_idx').on(
      table.clerkUserId,
      table.workshopStatus,
      table.workshopUpdatedAt.desc().nullsFirst(),
      table.workshopId.desc().nullsFirst(),
    ),
    // The plan cap counts the workshops a user owns: this index holds exactly those rows.
    index('workshop_members_owner_idx').on(table.clerkUserId).where(sql`role = 'owner'`),
    check('workshop_members_role_not_blank', sql`length(role) BETWEEN 1 AND 32`),
  ],
);

export const stepDefinitions = pgTable(
  'step_definitions',
  {
    id: text('id').primaryKey(),
    position: integer('position').notNull().unique('step_definitions_position_unique'),
    name: text('name').notNull(),
    description: text('description').notNull(),
    promptTemplate: text('prompt_template'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  () => [check('step_definitions_position_check', sql`position BETWEEN 1 AND 10`)],
);

export const workshopSteps = pgTable(
  'workshop_steps',
  {
    id: text('id').primaryKey(),
    workshopId: text('workshop_id')
      .notNull()
      .references(() => workshops.id, { onDelete: 'cascade' }),
    stepId: text('step_id')
      .notNull()
      // Deleting a definition must never silently destroy people's work.
      .references(() => stepDefinitions.id, { onDelete: 'restrict' }),
    status: text('status').$type<StepStatus>().notNull().default('not_started'),
    // json, not jsonb: jsonb sorts object keys, and an output must read back in the order it was written.
    output: json('output').$type<Record<string, unknown>>(),
    completion: text('completion').$type<StepCompletion>(),
    startedAt: timestamptz('started_at'),
    completedAt: timestamptz('completed_at'),
    updatedAt: updatedAt(),
  },
  (table) => [
    unique('workshop_steps_workshop_step_unique').on(table.workshopId, table.stepId),
    check('workshop_steps_status_check', oneOf('status', STEP_STATUSES)),
    check('workshop_steps_completion_check', oneOf('completion', STEP_COMPLETIONS)),
    check(
      'workshop_steps_completion_matches_status',
      sql`(status = 'complete') = (completion IS NOT NULL AND completed_at IS NOT NULL)`,
    ),
    // Read through jsonb, so the column refuses what jsonb refuses (NUL, lone surrogates), as it always has.
    check('workshop_steps_output_is_object', sql`output IS NULL OR jsonb_typeof(output::jsonb) = 'object'`),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    workshopId: text('workshop_id')
      .notNull()
      .references(() => workshops.id, { onDelete: 'cascade' }),
    startedAt: timestamptz('started_at').notNull().defaultNow(),
    endedAt: timestamptz('ended_at'),
  },
  (table) => [
    index('sessions_workshop_started_idx').on(table.workshopId, table.startedAt.desc().nullsFirst()),
    check('sessions_ended_after_start', sql`ended_at IS NULL OR ended_at >= started_at`),
  ],
);

export const buildPacks = pgTable(
  'build_packs',
  {
    id: text('id').primaryKey(),
    workshopId: text('workshop_id')
      .notNull()
      .references(() => workshops.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    formatType: text('format_type').$type<BuildPackFormat>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    check('build_packs_format_type_check', oneOf('format_type', BUILD_PACK_FORMATS)),
    index('build_packs_workshop_idx').on(table.workshopId, table.createdAt),
  ],
);

/**
 * Remembers creates made with an Idempotency-Key for 24 hours, so a client that lost the response can
 * retry without creating twice. Written in the same round trip as the create it guards.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    clerkUserId: text('clerk_user_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    responseStatus: integer('response_status').notNull(),
    resourceId: text('resource_id'),
    responseDetail: jsonb('response_detail').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    expiresAt: timestamptz('expires_at').notNull(),
  },
  (table) => [
    primaryKey({ name: 'idempotency_keys_pkey', columns: [table.clerkUserId, table.key] }),
    index('idempotency_keys_expires_idx').on(table.expiresAt),
  ],
);

export type Workshop = typeof workshops.$inferSelect;
export type NewWorkshop = typeof workshops.$inferInsert;
export type WorkshopMember = typeof workshopMembers.$inferSelect;
export type NewWorkshopMember = typeof workshopMembers.$inferInsert;
export type StepDefinition = typeof stepDefinitions.$inferSelect;
export type NewStepDefinition = typeof stepDefinitions.$inferInsert;
export type WorkshopStep = typeof workshopSteps.$inferSelect;
export type NewWorkshopStep = typeof workshopSteps.$inferInsert;
export type Session = typeof sessions.$inferSelect;
export type NewSession = typeof sessions.$inferInsert;
export type BuildPack = typeof buildPacks.$inferSelect;
export type IdempotencyKey = typeof idempotencyKeys.$inferSelect;
export type NewBuildPack = typeof buildPacks.$inferInsert;
