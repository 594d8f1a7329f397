import { describe, expect, inject, it } from 'vitest';
import { WORKER_USERS } from '../support/workers-context';
import { bearer, bundledWorkerFetch } from '../support/workers-fetch';

const tokens = inject('workerTokens');

/**
 * The output of `wrangler deploy --dry-run` started as a Worker of its own: it evaluates its global scope at
 * start-up like Cloudflare does (if it could not, Miniflare would not have started and every test here fails).
 */
describe('the deployable bundle, booted as its own worker', () => {
  it('answers /api/health/live and /api/health (database up)', async () => {
    const live = await bundledWorkerFetch('/api/health/live');
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });

    const health = await bundledWorkerFetch('/api/health');
    const text = await health.text();
    expect(health.status, text).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ status: 'ok', checks: { database: { status: 'up' } } });
  });

  it('verifies a token minted Node-side: /api/me 200, none → 401', async () => {
    const me = await bundledWorkerFetch('/api/me', { headers: bearer(tokens.owner) });
    const text = await me.text();
    expect(me.status, text).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ userId: WORKER_USERS.owner, plan: 'free' });

    const anonymous = await bundledWorkerFetch('/api/me');
    expect(anonymous.status).toBe(401);
    await anonymous.body?.cancel();
  });
});
