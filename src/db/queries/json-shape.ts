/**
 * Builds `json_build_object` SQL from a field → expression map whose keys are exactly those of `Shape`
 * (an answer's type, inferred from its zod schema), so the database returns the answer as the API shows
 * it and a field added to a schema fails the typecheck until its SQL exists. Keys keep the map's order.
 */
export type JsonFields<Shape> = { [Field in keyof Shape]-?: string };

export function jsonObject<Shape>(fields: JsonFields<Shape>): string {
  const pairs = Object.entries<string>(fields).map(([field, expression]) => `'${field}', ${expression}`);
  return `json_build_object(${pairs.join(', ')})`;
}

/**
 * A timestamptz as the API writes it: ISO 8601 in UTC with milliseconds (`2026-11-24T02:12:53.760Z`),
 * null for null. Sub-millisecond digits are cut, not rounded, as JavaScript's Date does.
 */
export const isoTime = (column: string): string =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
