import { describe, expect, inject, it } from 'vitest';
import { bearer, jsonRequest, workerFetch } from '../support/workers-fetch';

const tokens = inject('workerTokens');

interface WorkshopDetail {
  id: string;
  title: string;
  originalIdea: string;
  role: string;
  steps: unknown[];
}

describe('a write path, inside workerd', () => {
  it('POST /api/workshops → 201 with Location, then GET it → 200; a stranger gets 404', async () => {
    const idea = 'A worker-side workshop\nwith a second line';
    const created = await workerFetch(
      '/api/workshops',
      jsonRequest('POST', { originalIdea: idea }, bearer(tokens.owner)),
    );
    const createdText = await created.text();
    expect(created.status, createdText).toBe(201);
    const workshop = JSON.parse(createdText) as WorkshopDetail;
    expect(workshop).toMatchObject({ originalIdea: idea, title: 'A worker-side workshop', role: 'owner' });
    expect(workshop.id).toMatch(/^ws_[a-z0-9]+$/);
    expect(workshop.steps).toHaveLength(10);
    const location = created.headers.get('location');
    expect(location).toContain(`/api/workshops/${workshop.id}`);

    const fetched = await workerFetch(`/api/workshops/${workshop.id}`, { headers: bearer(tokens.owner) });
    const fetchedText = await fetched.text();
    expect(fetched.status, fetchedText).toBe(200);
    expect(fetched.headers.get('etag')).toMatch(/\S/);
    expect(JSON.parse(fetchedText)).toMatchObject({ id: workshop.id, originalIdea: idea, role: 'owner' });

    const stranger = await workerFetch(`/api/workshops/${workshop.id}`, { headers: bearer(tokens.stranger) });
    expect(stranger.status).toBe(404);
    await stranger.body?.cancel();
  });

  it('an invalid body → 400 problem+json with errors[]', async () => {
    const response = await workerFetch(
      '/api/workshops',
      jsonRequest('POST', { nope: true }, bearer(tokens.owner)),
    );
    const text = await response.text();
    expect(response.status, text).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((JSON.parse(text) as { errors?: unknown[] }).errors?.length).toBeGreaterThan(0);
  });
});
