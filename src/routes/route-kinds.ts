import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import { declarePolicy, type RoutePolicy } from '../http/route-policy';
import { requireAuth } from '../middleware/auth';
import { requireClerkSignature } from '../middleware/clerk-signature';
import { AUTHENTICATED, CLERK_SIGNED } from '../schemas/common';

/**
 * Every route is made by one of these three, which tie what the document says (its `security`) to what is
 * enforced (the guard), and carry whatever the route asks of the request-wide middleware (`RoutePolicy`).
 */
type RouteDefinition = Omit<RouteConfig, 'security' | 'middleware'>;

/** A route behind the bearer token: documented as needing it and guarded by `requireAuth`, always both. */
export function authenticatedRoute<const R extends RouteDefinition>(route: R, policy: RoutePolicy = {}) {
  return createRoute({
    ...route,
    security: AUTHENTICATED,
    middleware: [declarePolicy(policy), requireAuth] as const,
  });
}

/**
 * A route anyone may call: documented with an empty `security`, so that generators and linters know it
 * needs no token rather than guessing from its absence.
 */
export function publicRoute<const R extends RouteDefinition>(route: R, policy: RoutePolicy = {}) {
  return createRoute({ ...route, security: [], middleware: [declarePolicy(policy)] as const });
}

/**
 * A route only Clerk may call: documented as needing Clerk's webhook signature and guarded by its check,
 * always both. It takes no session token, so Clerk's servers need none.
 */
export function clerkWebhookRoute<const R extends RouteDefinition>(route: R, policy: RoutePolicy = {}) {
  return createRoute({
    ...route,
    security: CLERK_SIGNED,
    middleware: [declarePolicy(policy), requireClerkSignature] as const,
  });
}
