import { describe, expect, it } from 'vitest';
import { RenderedPackCache } from '../../src/build-pack/rendered-pack-cache';
import { jsonDigest } from '../../src/domain/sha256';
import { contentTag } from '../../src/http/etag';
import { forgeOldHashInfix, oldContentHash } from '../support/fnv-collision';

const PLACEHOLDER = '@@@';

/** Two renderer inputs of two packs in two workshops whose JSON collides under the old 32-bit tag. */
function collidingInputs() {
  const victim = {
    id: 'bp_victimpack000000000000000',
    workshop_id: 'ws_victimworkshop000000000',
    steps: [{ id: 'challenge', output: { note: 'the owner’s own plan' } }],
  };
  const template = {
    id: 'bp_attackerpack00000000000000',
    workshop_id: 'ws_attackerworkshop0000000',
    steps: [{ id: 'challenge', output: { note: `ATTACKER CONTENT ${PLACEHOLDER}` } }],
  };
  const [prefix = '', suffix = ''] = JSON.stringify(template).split(PLACEHOLDER);
  const infix = forgeOldHashInfix(prefix, suffix, oldContentHash(JSON.stringify(victim)));
  const attacker = {
    ...template,
    steps: [{ id: 'challenge', output: { note: `ATTACKER CONTENT ${infix}` } }],
  };
  return { victim, attacker };
}

const identity = (input: { id: string; workshop_id: string }) => ({
  workshopId: input.workshop_id,
  packId: input.id,
});

describe('the rendered-pack cache and content tags', () => {
  it('are given two inputs that really collide under the old 32-bit FNV-1a tag', () => {
    const { victim, attacker } = collidingInputs();
    expect(JSON.stringify(attacker)).not.toBe(JSON.stringify(victim));
    expect(oldContentHash(JSON.stringify(attacker))).toBe(oldContentHash(JSON.stringify(victim)));
  });

  it('serves each pack its own rendering when their inputs collide under the old tag', async () => {
    const { victim, attacker } = collidingInputs();
    const cache = new RenderedPackCache();
    const attackerBytes = await cache.getOrRender(
      identity(attacker),
      await jsonDigest(attacker),
      async () => 'attacker bytes',
    );
    const victimBytes = await cache.getOrRender(
      identity(victim),
      await jsonDigest(victim),
      async () => 'victim bytes',
    );
    expect(attackerBytes).toBe('attacker bytes');
    expect(victimBytes).toBe('victim bytes');
  });

  it('gives colliding inputs different tags of at least 128 bits', async () => {
    const { victim, attacker } = collidingInputs();
    const victimTag = contentTag('bpc', await jsonDigest(victim));
    const attackerTag = contentTag('bpc', await jsonDigest(attacker));
    expect(attackerTag).not.toBe(victimTag);
    expect(victimTag).toMatch(/^"bpc-[0-9a-f]{32,}"$/);
  });

  it('never serves one pack’s rendering to another, even under an identical digest', async () => {
    const cache = new RenderedPackCache();
    const digest = await jsonDigest('same input');
    await cache.getOrRender({ workshopId: 'ws_a', packId: 'bp_1' }, digest, async () => 'pack 1');
    const other = await cache.getOrRender(
      { workshopId: 'ws_a', packId: 'bp_2' },
      digest,
      async () => 'pack 2',
    );
    const samePackElsewhere = await cache.getOrRender(
      { workshopId: 'ws_b', packId: 'bp_1' },
      digest,
      async () => 'pack 1 of another workshop',
    );
    expect(other).toBe('pack 2');
    expect(samePackElsewhere).toBe('pack 1 of another workshop');
  });

  it('renders again when the pack’s input changes, and reuses the rendering while it does not', async () => {
    const cache = new RenderedPackCache();
    const pack = { workshopId: 'ws_a', packId: 'bp_1' };
    let renders = 0;
    const render = (text: string) => async () => {
      renders++;
      return text;
    };
    expect(await cache.getOrRender(pack, await jsonDigest({ v: 1 }), render('v1'))).toBe('v1');
    expect(await cache.getOrRender(pack, await jsonDigest({ v: 1 }), render('unused'))).toBe('v1');
    expect(await cache.getOrRender(pack, await jsonDigest({ v: 2 }), render('v2'))).toBe('v2');
    expect(renders).toBe(2);
  });
});
