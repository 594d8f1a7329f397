import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import { requireClerkSignature } from '../middleware/clerk-signature';
import { CLERK_SIGNED } from '../schemas/common';

/**
 * A route only Clerk may call: documented as needing Clerk's webhook signature and guarded by its check,
 * always both. It takes no session token, so Clerk's servers need none.
 */
export function clerkWebhookRoute<const R extends Omit<RouteConfig, 'security' | 'middleware'>>(route: R) {
  return createRoute({ ...route, security: CLERK_SIGNED, middleware: [requireClerkSignature] as const });
}
