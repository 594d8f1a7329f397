/**
 * An entity tag promises "these exact bytes": a 304 to a matching If-None-Match tells the client to show the
 * copy it holds. So no two different representations of a URL may ever carry the same tag, whoever asks.
 */
import { describe, expect, it } from 'vitest';
import { addMember, completeFirst, createWorkshop, getStep, readJson } from '../steps/support';
import { useTestApp } from '../support/test-app';

const t = useTestApp();

describe('entity tags name exactly one representation', () => {
  it('does not let a viewer revalidate the copy an owner was served (it shows the share token)', async () => {
    const workshop = await createWorkshop(t());
    const viewer = await addMember(t(), workshop, 'viewer');
    const share = await t().request(`/api/workshops/${workshop.id}/share`, {
      method: 'PUT',
      headers: workshop.headers,
    });
    expect(share.status).toBe(200);
    const ownerCopy = await t().request(`/api/workshops/${workshop.id}`, { headers: workshop.headers });
    const owners = await readJson<{ shareToken: string | null }>(ownerCopy, 200);
    expect(owners.shareToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const revalidated = await t().request(`/api/workshops/${workshop.id}`, {
      headers: { ...viewer, 'If-None-Match': ownerCopy.headers.get('etag') ?? '' },
    });
    const viewers = await readJson<{ shareToken: string | null; role: string }>(revalidated, 200);
    expect(viewers).toMatchObject({ role: 'viewer', shareToken: null });
    expect(revalidated.headers.get('etag')).not.toBe(ownerCopy.headers.get('etag'));
  });

  it('changes a step’s tag when the step becomes available because an earlier one was completed', async () => {
    const workshop = await createWorkshop(t());
    const before = await getStep(t(), workshop, 'stakeholder-mapping');
    expect(await readJson<{ available: boolean }>(before, 200)).toMatchObject({ available: false });
    await completeFirst(t(), workshop, 1);

    const revalidated = await getStep(t(), workshop, 'stakeholder-mapping', {
      extra: { 'If-None-Match': before.headers.get('etag') ?? '' },
    });
    expect(await readJson<{ available: boolean }>(revalidated, 200)).toMatchObject({ available: true });
  });

  it('tags the step definitions with a SHA-256 digest of what it serves, not a short hash', async () => {
    const response = await t().request('/api/step-definitions');
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toMatch(/^"sd-[0-9a-f]{64}"$/);
  });
});
