-- A member's workshop list is ordered by the workshop's activity time. Each membership carries a copy of
-- that time and of the status, so one index range per member serves a page in order: a page then costs its
-- own size, not the member's memberships (nor the database). Triggers keep the copies equal to the workshop.
DROP INDEX "workshop_members_user_idx";--> statement-breakpoint
ALTER TABLE "workshop_members" ADD COLUMN "workshop_updated_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "workshop_members" ADD COLUMN "workshop_status" text;--> statement-breakpoint
UPDATE "workshop_members" m SET "workshop_updated_at" = w."updated_at", "workshop_status" = w."status"
  FROM "workshops" w WHERE w."id" = m."workshop_id";--> statement-breakpoint
ALTER TABLE "workshop_members" ALTER COLUMN "workshop_updated_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "workshop_members" ALTER COLUMN "workshop_status" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "workshop_members_user_list_idx" ON "workshop_members" USING btree ("clerk_user_id","workshop_updated_at" DESC NULLS FIRST,"workshop_id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "workshop_members_user_status_list_idx" ON "workshop_members" USING btree ("clerk_user_id","workshop_status","workshop_updated_at" DESC NULLS FIRST,"workshop_id" DESC NULLS FIRST);--> statement-breakpoint
-- Whatever writes a membership, its copies come from the workshop (visible here even when the workshop was
-- inserted by the same statement, since a volatile function's queries see the statement's earlier rows).
CREATE OR REPLACE FUNCTION copy_workshop_list_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT w.updated_at, w.status INTO NEW.workshop_updated_at, NEW.workshop_status
  FROM workshops w WHERE w.id = NEW.workshop_id;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER workshop_members_copy_list_key BEFORE INSERT OR UPDATE ON workshop_members
  FOR EACH ROW EXECUTE FUNCTION copy_workshop_list_key();
--> statement-breakpoint
-- Every update of a workshop moves its updated_at (drizzle/0001), so every member's copy follows it. AFTER,
-- not BEFORE: a statement that also changes memberships then finds its rows untouched by this trigger.
CREATE OR REPLACE FUNCTION share_workshop_list_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE workshop_members SET workshop_updated_at = NEW.updated_at, workshop_status = NEW.status
  WHERE workshop_id = NEW.id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER workshops_share_list_key AFTER UPDATE ON workshops
  FOR EACH ROW WHEN (OLD.updated_at IS DISTINCT FROM NEW.updated_at OR OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION share_workshop_list_key();
