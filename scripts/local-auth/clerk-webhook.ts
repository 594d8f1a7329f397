import { Webhook } from 'standardwebhooks';

/** A signing secret shaped like the ones Clerk's dashboard shows: `whsec_` and 24 random bytes in base64. */
export function generateWebhookSigningSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

/** The body Clerk sends when a user is deleted. */
export function userDeletedEvent(userId: string) {
  return {
    type: 'user.deleted',
    object: 'event',
    data: { id: userId, object: 'user', deleted: true },
    instance_id: 'ins_local',
    timestamp: Date.now(),
  };
}

export interface SignOptions {
  /** Svix's message id; Svix keeps it across retries of one delivery. */
  messageId?: string;
  /** When it was signed; the receiver refuses anything more than five minutes off. */
  timestamp?: Date;
}

export interface SignedDelivery {
  body: string;
  headers: Record<string, string>;
}

/**
 * The request Clerk's webhook delivery (Svix) would make: the body (an event, or text as it is) and the
 * three svix-* headers.
 */
export function signClerkDelivery(secret: string, event: unknown, options: SignOptions = {}): SignedDelivery {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const messageId = options.messageId ?? `msg_${crypto.randomUUID().replaceAll('-', '')}`;
  const timestamp = options.timestamp ?? new Date();
  return {
    body,
    headers: {
      'Content-Type': 'application/json',
      'svix-id': messageId,
      'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'svix-signature': new Webhook(secret).sign(messageId, timestamp, body),
    },
  };
}
