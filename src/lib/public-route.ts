import { createRoute, type RouteConfig } from '@hono/zod-openapi';

/**
 * A route anyone may call: documented with an empty `security`, so that generators and linters know it
 * needs no token rather than guessing from its absence.
 */
export function publicRoute<const R extends Omit<RouteConfig, 'security'>>(route: R) {
  return createRoute({ ...route, security: [] });
}
