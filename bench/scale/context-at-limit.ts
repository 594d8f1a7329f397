/*
 * A workshop whose nine first steps carry outputs just under the 256 KiB limit, written through the API:
 * the largest context answer a user can cause, for the last step.
 */
import { STEP_OUTPUT_LIMIT_BYTES } from '../../src/domain/storage-limits';
import type { BenchEnvironment } from '../environment';
import { createWorkshop, type Fixture } from '../seed';
import { realisticOutput } from './bulk-seed';

/** An output of realistic sections, as large as fits in the limit with a little room. */
function outputNearLimit(seed: number): Record<string, unknown> {
  const output: Record<string, unknown> = {};
  for (let section = 0; ; section++) {
    const next = { ...output, [`section${section}`]: JSON.parse(realisticOutput(seed * 1000 + section)) };
    if (JSON.stringify(next).length > STEP_OUTPUT_LIMIT_BYTES - 1024) return output;
    Object.assign(output, next);
  }
}

export interface ContextAtLimit {
  path: string;
  /** The nine outputs' stored JSON text, in bytes. */
  outputBytes: number;
}

export async function seedContextAtLimit(env: BenchEnvironment, fixture: Fixture): Promise<ContextAtLimit> {
  const owner = fixture.main.owner;
  const workshopId = await createWorkshop(env.app, owner, 424242);
  let outputBytes = 0;
  for (const [index, stepId] of fixture.stepIds.slice(0, 9).entries()) {
    const base = `/api/workshops/${workshopId}/steps/${stepId}`;
    const output = outputNearLimit(index + 1);
    outputBytes += Buffer.byteLength(JSON.stringify(output));
    await env.app.expect(
      { method: 'PUT', path: `${base}/output`, headers: owner.auth, body: { output } },
      [200],
    );
    await env.app.expect(
      { method: 'POST', path: `${base}/complete`, headers: owner.auth, body: { by: 'ai' } },
      [200],
    );
  }
  return { path: `/api/workshops/${workshopId}/steps/${fixture.stepIds[9] ?? ''}/context`, outputBytes };
}
