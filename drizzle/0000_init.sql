CREATE TABLE "build_packs" (
	"id" text PRIMARY KEY NOT NULL,
	"workshop_id" text NOT NULL,
	"title" text NOT NULL,
	"format_type" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "build_packs_format_type_check" CHECK (format_type IN ('markdown', 'pdf', 'json'))
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"workshop_id" text NOT NULL,
	"started_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp (3) with time zone,
	CONSTRAINT "sessions_ended_after_start" CHECK (ended_at IS NULL OR ended_at >= started_at)
);
--> statement-breakpoint
CREATE TABLE "step_definitions" (
	"id" text PRIMARY KEY NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"prompt_template" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "step_definitions_position_unique" UNIQUE("position"),
	CONSTRAINT "step_definitions_position_check" CHECK (position BETWEEN 1 AND 10)
);
--> statement-breakpoint
CREATE TABLE "workshop_members" (
	"id" text PRIMARY KEY NOT NULL,
	"workshop_id" text NOT NULL,
	"clerk_user_id" text NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workshop_members_workshop_user_unique" UNIQUE("workshop_id","clerk_user_id"),
	CONSTRAINT "workshop_members_role_not_blank" CHECK (length(role) BETWEEN 1 AND 32)
);
--> statement-breakpoint
CREATE TABLE "workshop_steps" (
	"id" text PRIMARY KEY NOT NULL,
	"workshop_id" text NOT NULL,
	"step_id" text NOT NULL,
	"status" text DEFAULT 'not_started' NOT NULL,
	"output" jsonb,
	"completion" text,
	"started_at" timestamp (3) with time zone,
	"completed_at" timestamp (3) with time zone,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workshop_steps_workshop_step_unique" UNIQUE("workshop_id","step_id"),
	CONSTRAINT "workshop_steps_status_check" CHECK (status IN ('not_started', 'in_progress', 'complete')),
	CONSTRAINT "workshop_steps_completion_check" CHECK (completion IN ('ai_confirmed', 'user_skipped')),
	CONSTRAINT "workshop_steps_completion_matches_status" CHECK ((status = 'complete') = (completion IS NOT NULL AND completed_at IS NOT NULL)),
	CONSTRAINT "workshop_steps_output_is_object" CHECK (output IS NULL OR jsonb_typeof(output) = 'object')
);
--> statement-breakpoint
CREATE TABLE "workshops" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"original_idea" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"clerk_user_id" text NOT NULL,
	"org_id" text,
	"team_id" text,
	"template_id" text,
	"visibility" text DEFAULT 'private' NOT NULL,
	"share_token" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workshops_share_token_unique" UNIQUE("share_token"),
	CONSTRAINT "workshops_status_check" CHECK (status IN ('draft', 'active', 'paused', 'completed')),
	CONSTRAINT "workshops_visibility_check" CHECK (visibility IN ('private', 'shared')),
	CONSTRAINT "workshops_share_token_matches_visibility" CHECK ((visibility = 'shared') = (share_token IS NOT NULL))
);
--> statement-breakpoint
ALTER TABLE "build_packs" ADD CONSTRAINT "build_packs_workshop_id_workshops_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_workshop_id_workshops_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workshop_members" ADD CONSTRAINT "workshop_members_workshop_id_workshops_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workshop_steps" ADD CONSTRAINT "workshop_steps_workshop_id_workshops_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workshop_steps" ADD CONSTRAINT "workshop_steps_step_id_step_definitions_id_fk" FOREIGN KEY ("step_id") REFERENCES "public"."step_definitions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "build_packs_workshop_idx" ON "build_packs" USING btree ("workshop_id","created_at");--> statement-breakpoint
CREATE INDEX "sessions_workshop_started_idx" ON "sessions" USING btree ("workshop_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "workshop_members_user_idx" ON "workshop_members" USING btree ("clerk_user_id","workshop_id");--> statement-breakpoint
CREATE INDEX "workshops_owner_idx" ON "workshops" USING btree ("clerk_user_id","created_at");