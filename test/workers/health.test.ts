import { describe, expect, it } from 'vitest';
import { workerFetch } from '../support/workers-fetch';

interface HealthBody {
  status: string;
  checks: { database: { status: string; latencyMs: number }; migrations: { status: string } };
}

describe('health, inside workerd', () => {
  it('GET /api/health/live answers 200 without touching the database', async () => {
    const response = await workerFetch('/api/health/live');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-request-id')).toMatch(/\S/);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('GET /api/health reaches Postgres through the neon-http driver (fetch from workerd) and answers 200', async () => {
    const response = await workerFetch('/api/health');
    const text = await response.text();
    expect(response.status, text).toBe(200);
    const body = JSON.parse(text) as HealthBody;
    expect(body.status).toBe('ok');
    expect(body.checks.database.status).toBe('up');
    expect(body.checks.migrations.status).toBe('applied');
    expect(text).not.toMatch(/postgres(ql)?:\/\/|password/);
  });

  it('an unknown /api path is a 404 problem from the worker, not an asset miss', async () => {
    const response = await workerFetch('/api/no-such-route');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
