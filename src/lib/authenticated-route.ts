import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import { requireAuth } from '../middleware/auth';
import { AUTHENTICATED } from '../schemas/common';

/**
 * A route behind the bearer token: documented as needing it and guarded by `requireAuth`, always both,
 * so no route can claim one without the other.
 */
export function authenticatedRoute<const R extends Omit<RouteConfig, 'security' | 'middleware'>>(route: R) {
  return createRoute({ ...route, security: AUTHENTICATED, middleware: [requireAuth] as const });
}
