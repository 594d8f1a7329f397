/*
 * Realistic data, written through the API itself: 20 users × 5 workshops; four of each user's workshops
 * go through all ten steps (outputs of a few KB each, every step completed), the fifth stops in step 6.
 * Each user's first workshop gets two members (editor, viewer), a build pack per format and sessions
 * (some ended); every other user shares theirs by link.
 */
import type { BenchEnvironment } from './environment';
import { type BenchRequest, type HttpClient, inParallel } from './lib/http';
import { newSessionId } from './lib/ids';

export const USER_COUNT = 20;
export const WORKSHOPS_PER_USER = 5;
export const PACK_FORMATS = ['markdown', 'json', 'pdf'] as const;
export type PackFormat = (typeof PACK_FORMATS)[number];

export interface BenchUser {
  id: string;
  token: string;
  auth: Record<string, string>;
  workshops: string[];
}

export interface Fixture {
  users: BenchUser[];
  admin: BenchUser;
  stepIds: string[];
  /** users[0].workshops[0]: all ten steps complete, members, sessions, a pack per format, shared. */
  main: { workshopId: string; owner: BenchUser; packs: Record<PackFormat, string>; sessionId: string };
  counts: { workshops: number; outputs: number; completions: number; members: number; packs: number };
  seedMs: number;
}

const WORDS = (
  'shift nurses warehouse staff meal planning rotating schedules fatigue budget grocery delivery ' +
  'microwave breakroom night commute family dinner protein prep batch cooking reminder habit ' +
  'caffeine sleep window canteen vending healthy affordable quick portable trust privacy onboarding ' +
  'notification calendar sync manager union pilot hospital distribution centre interview insight ' +
  'theme tension persona journey moment pain delight opportunity experiment metric retention'
).split(' ');

/** Deterministic prose: the same workshop gets the same outputs on every run. */
export function prose(seed: number, words: number): string {
  let state = seed * 2654435761;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out.push(WORDS[state % WORDS.length] ?? 'idea');
  }
  const text = out.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** A structured step output of roughly 2–4 KB of JSON, shaped like what the AI coach saves. */
export function stepOutput(stepId: string, seed: number): Record<string, unknown> {
  return {
    summary: prose(seed, 60),
    step: stepId,
    items: Array.from({ length: 6 }, (_, index) => ({
      title: prose(seed + index + 1, 5),
      detail: prose(seed + index + 101, 28),
      priority: (['high', 'medium', 'low'] as const)[index % 3],
      tags: [WORDS[(seed + index) % WORDS.length], WORDS[(seed + 3 * index) % WORDS.length]],
    })),
    openQuestions: [prose(seed + 7, 12), prose(seed + 8, 14)],
    confidence: 0.6 + (seed % 4) * 0.1,
    nextAction: prose(seed + 9, 16),
  };
}

export function workshopIdea(seed: number): string {
  return `An app that helps ${prose(seed, 6).toLowerCase().replace(/\.$/, '')}: ${prose(seed + 50, 40)}`;
}

export async function createWorkshop(client: HttpClient, user: BenchUser, seed: number): Promise<string> {
  const created = await client.json<{ id: string }>(
    {
      method: 'POST',
      path: '/api/workshops',
      headers: user.auth,
      body: {
        title: `Workshop ${seed}: ${prose(seed, 4).replace(/\.$/, '')}`,
        originalIdea: workshopIdea(seed),
      },
    },
    [201],
  );
  return created.id;
}

async function workThroughSteps(
  client: HttpClient,
  user: BenchUser,
  workshopId: string,
  stepIds: readonly string[],
  stopAt: number,
  seed: number,
): Promise<{ outputs: number; completions: number }> {
  const headers = { ...user.auth, 'X-Session-Id': newSessionId() };
  let outputs = 0;
  let completions = 0;
  for (const [index, stepId] of stepIds.entries()) {
    if (index >= stopAt) break;
    const base = `/api/workshops/${workshopId}/steps/${stepId}`;
    await client.expect(
      { method: 'PUT', path: `${base}/output`, headers, body: { output: stepOutput(stepId, seed + index) } },
      [200],
    );
    outputs++;
    if (index < stopAt - 1 || stopAt === stepIds.length) {
      await client.expect({ method: 'POST', path: `${base}/complete`, headers, body: { by: 'ai' } }, [200]);
      completions++;
    }
  }
  return { outputs, completions };
}

export async function seed(env: BenchEnvironment): Promise<Fixture> {
  const started = performance.now();
  const client = env.app;
  const makeUser = async (id: string, admin = false): Promise<BenchUser> => {
    const token = await env.token(id, admin ? { admin: true } : {});
    return { id, token, auth: { Authorization: `Bearer ${token}` }, workshops: [] };
  };
  const users = await Promise.all(
    Array.from({ length: USER_COUNT }, (_, index) =>
      makeUser(`user_bench_${String(index).padStart(2, '0')}`),
    ),
  );
  const admin = await makeUser('user_bench_admin', true);
  const definitions = await client.json<{ items: { id: string }[] }>({
    method: 'GET',
    path: '/api/step-definitions',
  });
  const stepIds = definitions.items.map((item) => item.id);

  const counts = { workshops: 0, outputs: 0, completions: 0, members: 0, packs: 0 };
  const jobs = users.flatMap((user, u) =>
    Array.from({ length: WORKSHOPS_PER_USER }, (_, k) => ({ user, u, k })),
  );
  // Creation in order, so each user's workshop list is stable; the step work in parallel.
  for (const { user, u, k } of jobs) {
    user.workshops.push(await createWorkshop(client, user, u * 100 + k));
    counts.workshops++;
  }
  await inParallel(jobs.length, 6, async (index) => {
    const job = jobs[index];
    if (!job) return;
    const { user, u, k } = job;
    const workshopId = user.workshops[k] ?? '';
    const stopAt = k === WORKSHOPS_PER_USER - 1 ? 6 : stepIds.length;
    const done = await workThroughSteps(client, user, workshopId, stepIds, stopAt, u * 1000 + k * 10);
    counts.outputs += done.outputs;
    counts.completions += done.completions;
  });

  const packs: Record<PackFormat, string> = { markdown: '', json: '', pdf: '' };
  await inParallel(users.length, 4, async (u) => {
    const user = users[u];
    if (!user) return;
    const workshopId = user.workshops[0] ?? '';
    for (const [offset, role] of [
      [1, 'editor'],
      [2, 'viewer'],
    ] as const) {
      const member = users[(u + offset) % users.length];
      if (!member) continue;
      await client.expect(
        {
          method: 'PUT',
          path: `/api/workshops/${workshopId}/members/${member.id}`,
          headers: user.auth,
          body: { role },
        },
        [201],
      );
      counts.members++;
    }
    for (const format of PACK_FORMATS) {
      const pack = await client.json<{ id: string }>(
        {
          method: 'POST',
          path: `/api/workshops/${workshopId}/build-packs`,
          headers: user.auth,
          body: { format },
        },
        [201],
      );
      if (u === 0) packs[format] = pack.id;
      counts.packs++;
    }
    // Three further sessions (a visit each), two of them ended.
    for (let s = 0; s < 3; s++) {
      const sessionId = newSessionId();
      const visit: BenchRequest = {
        method: 'GET',
        path: `/api/workshops/${workshopId}/steps/${stepIds[s] ?? ''}`,
        headers: { ...user.auth, 'X-Session-Id': sessionId },
      };
      await client.expect(visit, [200]);
      if (s < 2) {
        await client.expect(
          {
            method: 'POST',
            path: `/api/workshops/${workshopId}/sessions/${sessionId}/end`,
            headers: user.auth,
          },
          [200],
        );
      }
    }
    if (u % 2 === 0) {
      await client.expect(
        { method: 'PUT', path: `/api/workshops/${workshopId}/share`, headers: user.auth },
        [200],
      );
    }
  });

  const owner = users[0];
  if (!owner) throw new Error('no bench users');
  return {
    users,
    admin,
    stepIds,
    main: { workshopId: owner.workshops[0] ?? '', owner, packs, sessionId: newSessionId() },
    counts,
    seedMs: performance.now() - started,
  };
}
