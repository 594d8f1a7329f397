import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';

/**
 * What a route asks of the request-wide middleware, declared on the route itself (through the route kinds
 * in routes/route-kinds.ts) so that no middleware keeps a list of paths.
 */
export interface RoutePolicy {
  /**
   * The largest body the route reads, in bytes of its payload, and the room allowed around it for the JSON
   * envelope. Every other request is held to the default limit (middleware/body-limit.ts).
   */
  body?: { limitBytes: number; envelopeBytes: number };
  database?: {
    /** The configured bound on the request's database work; `DB_TIMEOUT_MS` unless said otherwise. */
    timeout?: 'HEALTH_TIMEOUT_MS';
    /**
     * `repeatable`: running the request twice changes nothing although its method is not idempotent, so a
     * failed round trip may be retried. `never`: no round trip is retried, whatever the method (a probe
     * reports what it saw). Otherwise the method and headers decide (middleware/database.ts).
     */
    retry?: 'repeatable' | 'never';
  };
}

const POLICY = Symbol('route policy');

type PolicyCarrier = MiddlewareHandler & { [POLICY]?: RoutePolicy };

/** A middleware that does nothing but carry the policy, so the router hands it to whoever asks. */
export function declarePolicy(policy: RoutePolicy): MiddlewareHandler {
  const carrier: PolicyCarrier = async (_c, next) => {
    await next();
  };
  carrier[POLICY] = policy;
  return carrier;
}

const NO_POLICY: RoutePolicy = {};

/**
 * The policy of the route this request matched, readable from any middleware, including the ones that run
 * before the route's own: the router matched every handler of the request before the first one ran.
 */
export function policyOf(c: Context): RoutePolicy {
  for (const route of matchedRoutes(c)) {
    const policy = (route.handler as PolicyCarrier)[POLICY];
    if (policy) return policy;
  }
  return NO_POLICY;
}
