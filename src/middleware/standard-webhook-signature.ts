import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/**
 * Whether `body` carries a valid Standard Webhooks signature for `headers` (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`) made with `secret`. A module of its own so that the verifier and
 * its hashing load with the first webhook rather than with every Worker start.
 */
export function hasValidSignature(secret: string, body: string, headers: Record<string, string>): boolean {
  try {
    new Webhook(secret).verify(body, headers, { jsonParse: false });
    return true;
  } catch (error) {
    if (error instanceof WebhookVerificationError) return false;
    throw error;
  }
}
