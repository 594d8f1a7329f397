import { describe, expect, inject, it } from 'vitest';
import { WORKER_USERS } from '../support/workers-context';
import { bearer, workerFetch } from '../support/workers-fetch';

const tokens = inject('workerTokens');

async function expectUnauthorized(response: Response): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(401);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
  expect(JSON.parse(text)).toMatchObject({ status: 401, code: 'unauthorized' });
}

describe('auth, inside workerd (Clerk verifies with the networkless jwtKey)', () => {
  it('no token → 401 problem+json', async () => {
    await expectUnauthorized(await workerFetch('/api/me'));
  });

  it('no token and Accept: text/html → still a 401, never a redirect to Clerk', async () => {
    await expectUnauthorized(
      await workerFetch('/api/me', { headers: { Accept: 'text/html' }, redirect: 'manual' }),
    );
  });

  it('an expired token, a token signed with another key and a non-JWT bearer → 401', async () => {
    await expectUnauthorized(await workerFetch('/api/me', { headers: bearer(tokens.expired) }));
    await expectUnauthorized(await workerFetch('/api/me', { headers: bearer(tokens.wrongKey) }));
    await expectUnauthorized(await workerFetch('/api/me', { headers: bearer('not-a-jwt') }));
  });

  it('a valid token minted Node-side → GET /api/me 200 with the caller', async () => {
    const response = await workerFetch('/api/me', { headers: bearer(tokens.stranger) });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(JSON.parse(text)).toEqual({
      userId: WORKER_USERS.stranger,
      plan: 'pro',
      workshopCap: 50,
      workshopCount: 0,
    });
  });
});
