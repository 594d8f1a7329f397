-- jsonb sorts object keys; json keeps the text it is given. Existing outputs keep the order jsonb gave them.
ALTER TABLE "workshop_steps" DROP CONSTRAINT "workshop_steps_output_is_object";--> statement-breakpoint
ALTER TABLE "workshop_steps" ALTER COLUMN "output" SET DATA TYPE json USING "output"::json;--> statement-breakpoint
ALTER TABLE "workshop_steps" ADD CONSTRAINT "workshop_steps_output_is_object" CHECK (output IS NULL OR jsonb_typeof(output::jsonb) = 'object');
