import { describe, expect, inject, it } from 'vitest';
import { signClerkDelivery, userDeletedEvent } from '../../scripts/local-auth/clerk-webhook';
import { WORKER_USERS } from '../support/workers-context';
import { bearer, bundledWorkerFetch, jsonRequest, workerFetch } from '../support/workers-fetch';

const tokens = inject('workerTokens');
const secret = inject('workerBindings').CLERK_WEBHOOK_SIGNING_SECRET ?? '';

/** Signed here, inside workerd: the signer and the verifier both run on the Workers runtime, offline. */
const deliver = (delivery: { body: string; headers: Record<string, string> }, send = workerFetch) =>
  send('/api/webhooks/clerk', { method: 'POST', body: delivery.body, headers: delivery.headers });

describe("Clerk's webhook, inside workerd", () => {
  it('a signed user.deleted erases the user: their workshop is gone', async () => {
    const created = await workerFetch(
      '/api/workshops',
      jsonRequest('POST', { originalIdea: 'Soon to be erased' }, bearer(tokens.leaver)),
    );
    const createdText = await created.text();
    expect(created.status, createdText).toBe(201);
    const { id } = JSON.parse(createdText) as { id: string };

    const response = await deliver(signClerkDelivery(secret, userDeletedEvent(WORKER_USERS.leaver)));
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ received: true, deleted: { workshops: 1, memberships: 0 } });

    const gone = await workerFetch(`/api/workshops/${id}`, { headers: bearer(tokens.leaver) });
    expect(gone.status).toBe(404);
    await gone.body?.cancel();
  });

  it('a forged or stale signature → 400 webhook_signature_invalid', async () => {
    const signed = signClerkDelivery(secret, userDeletedEvent('user_worker_nobody'));
    const forged = { ...signed, body: JSON.stringify(userDeletedEvent(WORKER_USERS.owner)) };
    const stale = signClerkDelivery(secret, userDeletedEvent(WORKER_USERS.owner), {
      timestamp: new Date(Date.now() - 10 * 60_000),
    });
    for (const delivery of [forged, stale]) {
      const response = await deliver(delivery);
      const text = await response.text();
      expect(response.status, text).toBe(400);
      expect(JSON.parse(text)).toMatchObject({ code: 'webhook_signature_invalid' });
    }
  });

  it('the bundle wrangler deploys verifies signatures too', async () => {
    const response = await deliver(
      signClerkDelivery(secret, userDeletedEvent('user_worker_never_seen')),
      bundledWorkerFetch,
    );
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ deleted: { workshops: 0, memberships: 0 } });
  });
});
