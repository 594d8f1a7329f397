import { describe, expect, inject, it } from 'vitest';
import { WORKER_USERS } from '../support/workers-context';
import { bearer, bundledWorkerFetch } from '../support/workers-fetch';

const tokens = inject('workerTokens');

/**
 * The bundle `wrangler deploy` uploads, started as a Worker of its own: it evaluates its global scope at
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

  it('loads the code-split PDF renderer on demand and renders a build pack', async () => {
    const headers = { ...bearer(tokens.owner), 'Content-Type': 'application/json' };
    const created = await bundledWorkerFetch('/api/workshops', {
      method: 'POST',
      headers,
      body: JSON.stringify({ originalIdea: 'Ελληνικά and Кириллица in a PDF from the Worker bundle' }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const workshop = (await created.json()) as { id: string };
    const pack = await bundledWorkerFetch(`/api/workshops/${workshop.id}/build-packs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ format: 'pdf' }),
    });
    expect(pack.status, await pack.clone().text()).toBe(201);
    const { contentUrl } = (await pack.json()) as { contentUrl: string };
    const content = await bundledWorkerFetch(contentUrl, { headers: bearer(tokens.owner) });
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await content.arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(1000);
  });

  // The bundle leaves parts of zod out (scripts/build-worker.ts); validation and the document must not notice.
  // That the document is byte for byte what the source generates is checked against the source itself, in
  // the workerd target of test/openapi/served-document.test.ts: here `main` is this same bundle.
  it('serves its OpenAPI document and validates with zod as the source does', async () => {
    const bundled = await bundledWorkerFetch('/api/openapi.json');
    expect(bundled.status).toBe(200);
    expect(((await bundled.json()) as { openapi: string }).openapi).toMatch(/^3\.1\./);

    const invalid = await bundledWorkerFetch('/api/workshops', {
      method: 'POST',
      headers: { ...bearer(tokens.owner), 'Content-Type': 'application/json' },
      body: JSON.stringify({ originalIdea: 42, unexpected: true }),
    });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await invalid.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((error) => error.path)).toContain('originalIdea');
  });
});
