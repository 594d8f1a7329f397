DROP INDEX "sessions_workshop_started_idx";--> statement-breakpoint
CREATE INDEX "sessions_workshop_started_idx" ON "sessions" USING btree ("workshop_id","started_at" DESC NULLS FIRST);