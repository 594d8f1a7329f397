-- updated_at is kept current by the database so that every writer (query builder or raw SQL) gets it right.
-- It strictly increases, even for two updates in the same millisecond, because ETags are derived from it.
CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := greatest(now(), OLD.updated_at + interval '1 millisecond');
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER workshops_set_updated_at BEFORE UPDATE ON workshops
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
CREATE TRIGGER step_definitions_set_updated_at BEFORE UPDATE ON step_definitions
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
CREATE TRIGGER workshop_steps_set_updated_at BEFORE UPDATE ON workshop_steps
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
--> statement-breakpoint
CREATE TRIGGER build_packs_set_updated_at BEFORE UPDATE ON build_packs
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
