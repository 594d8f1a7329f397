import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { ApiError } from '../http/api-error';

/** Clerk's deliveries come through Svix, which names the Standard Webhooks headers `svix-*`. */
const SIGNATURE_HEADERS = {
  'webhook-id': 'svix-id',
  'webhook-timestamp': 'svix-timestamp',
  'webhook-signature': 'svix-signature',
} as const;

/**
 * Lets a request through only when Clerk signed it: the HMAC over `svix-id`, `svix-timestamp` and the exact
 * body bytes, with CLERK_WEBHOOK_SIGNING_SECRET, no more than five minutes off. This is the verifier Clerk's
 * own `verifyWebhook` wraps; called directly, it checks the bytes and leaves the JSON to the route's schema,
 * so a signed but malformed body is a 400 malformed_json rather than a signature failure. Without a secret
 * nothing is accepted: an unsigned event must never count as Clerk's word.
 */
export const requireClerkSignature = createMiddleware<AppEnv>(async (c, next) => {
  const signingSecret = c.get('config').CLERK_WEBHOOK_SIGNING_SECRET;
  if (!signingSecret) {
    throw new ApiError(
      'webhooks_not_configured',
      'This server has no CLERK_WEBHOOK_SIGNING_SECRET, so it accepts no webhooks.',
    );
  }
  const headers: Record<string, string> = {};
  for (const [standard, svix] of Object.entries(SIGNATURE_HEADERS))
    headers[standard] = c.req.header(svix) ?? '';
  // The signature covers the bytes as sent: a leading byte order mark included, which `text()` would drop.
  const body = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(await c.req.arrayBuffer());
  const { hasValidSignature } = await import('./standard-webhook-signature');
  if (!hasValidSignature(signingSecret, body, headers)) {
    throw new ApiError(
      'webhook_signature_invalid',
      'The request does not carry a valid Clerk signature: svix-id, svix-timestamp and svix-signature are ' +
        'required, the timestamp must be within five minutes of now, and the signature must be made with ' +
        "this endpoint's signing secret over the exact body.",
    );
  }
  await next();
});
