import { verifyWebhook } from '@clerk/backend/webhooks';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { ApiError } from '../lib/api-error';

/**
 * Lets a request through only when Clerk signed it (Svix's `svix-id`, `svix-timestamp` and `svix-signature`
 * headers, checked by Clerk's own verifier against CLERK_WEBHOOK_SIGNING_SECRET, five minutes' tolerance).
 * Without a secret nothing is accepted: an unsigned event must never count as Clerk's word.
 */
export const requireClerkSignature = createMiddleware<AppEnv>(async (c, next) => {
  const signingSecret = c.get('config').CLERK_WEBHOOK_SIGNING_SECRET;
  if (!signingSecret) {
    throw new ApiError(
      'webhooks_not_configured',
      'This server has no CLERK_WEBHOOK_SIGNING_SECRET, so it accepts no webhooks.',
    );
  }
  // The body-limit middleware has already consumed the request's stream: hand the verifier the same bytes.
  const signed = new Request(c.req.url, {
    method: c.req.method,
    headers: c.req.raw.headers,
    body: await c.req.text(),
  });
  try {
    await verifyWebhook(signed, { signingSecret });
  } catch {
    throw new ApiError(
      'webhook_signature_invalid',
      'The request does not carry a valid Clerk signature: svix-id, svix-timestamp and svix-signature are ' +
        'required, the timestamp must be within five minutes of now, and the signature must be made with ' +
        "this endpoint's signing secret.",
    );
  }
  await next();
});
