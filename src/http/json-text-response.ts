import type { Context, TypedResponse } from 'hono';
import type { JSONParsed } from 'hono/utils/types';

/**
 * A 200 answer whose JSON text was assembled without building the object first (large outputs spliced in as
 * stored). Typed as the JSON answer it is, so the route keeps its documented schema and typed client.
 */
export function jsonTextResponse<T>(c: Context, text: string): TypedResponse<JSONParsed<T>, 200, 'json'> {
  c.header('Content-Type', 'application/json');
  return c.body(text, 200) as unknown as TypedResponse<JSONParsed<T>, 200, 'json'>;
}
