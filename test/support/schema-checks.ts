import pg from 'pg';

/** The Postgres error a statement fails with; fails the test if it succeeds or fails otherwise. */
export async function pgError(promise: Promise<unknown>): Promise<pg.DatabaseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof pg.DatabaseError) return error;
    throw error;
  }
  throw new Error('expected the statement to fail');
}

/** A description of everything the migrations create in schema public, for comparing two databases. */
export async function schemaFingerprint(pool: pg.Pool): Promise<Record<string, unknown[]>> {
  const columns = await pool.query(
    `SELECT table_name, column_name, data_type, datetime_precision, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`,
  );
  const constraints = await pool.query(
    `SELECT conrelid::regclass::text AS table_name, conname, contype, pg_get_constraintdef(oid) AS definition
       FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
  );
  const indexes = await pool.query(
    `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`,
  );
  const triggers = await pool.query(
    `SELECT event_object_table, trigger_name, action_timing, event_manipulation, action_statement
       FROM information_schema.triggers WHERE trigger_schema = 'public' ORDER BY 1, 2`,
  );
  return {
    columns: columns.rows,
    constraints: constraints.rows,
    indexes: indexes.rows,
    triggers: triggers.rows,
  };
}
