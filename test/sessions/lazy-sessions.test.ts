import { beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  completeStep,
  createWorkshop,
  type EndedSessionBody,
  freshSessionId,
  getContext,
  getStep,
  type Headers,
  ISO_UTC,
  putOutput,
  readJson,
  SESSION_ID,
  type SessionBody,
  sessionById,
  sessionsOf,
  stranger,
  type Workshop,
} from '../steps/support';
import { expectProblem } from '../support/problem';
import { useTestApp } from '../support/test-app';

const ALLOWED_ORIGIN = 'http://localhost:5173';

const t = useTestApp({ CORS_ORIGINS: ALLOWED_ORIGIN });

const withSession = (sessionId: string, headers: Headers = {}) => ({ ...headers, 'X-Session-Id': sessionId });
const announced = (response: Response) => response.headers.get('x-session-id');

type Activity = (workshop: Workshop, headers: Headers) => Promise<Response>;

/** The four meaningful activities of the contract (docs/api.md, Headers), each on the first (available) step. */
const ACTIVITIES: [string, Activity][] = [
  ['GET step (a visit)', (workshop, extra) => getStep(t(), workshop, 'challenge', { extra })],
  ['PUT output', (workshop, extra) => putOutput(t(), workshop, 'challenge', { note: 'work' }, { extra })],
  ['POST complete', (workshop, extra) => completeStep(t(), workshop, 'challenge', { by: 'ai' }, { extra })],
  ['GET context', (workshop, extra) => getContext(t(), workshop, 'challenge', { extra })],
];

const endSession = (workshop: Workshop, sessionId: string, headers: Headers = workshop.headers) =>
  t().request(`/api/workshops/${workshop.id}/sessions/${sessionId}/end`, { method: 'POST', headers });

const listSessions = (workshop: Workshop, query = '', headers: Headers = workshop.headers) =>
  t().request(`/api/workshops/${workshop.id}/sessions${query}`, { headers });

async function allSessionCount(): Promise<number> {
  const { rows } = await t().database.sql.query<{ count: number }>(
    'select count(*)::int as count from sessions',
  );
  return rows[0]?.count ?? -1;
}

/** Persists a session for the workshop through a visit and returns its id. */
async function persistedSession(workshop: Workshop, sessionId = freshSessionId()): Promise<string> {
  const response = await getStep(t(), workshop, 'challenge', { extra: { 'X-Session-Id': sessionId } });
  expect(response.status).toBe(200);
  expect(announced(response)).toBe(sessionId);
  return sessionId;
}

describe('announcing a session id', () => {
  it('gives a request without X-Session-Id a new, well-formed id, different each time', async () => {
    const workshop = await createWorkshop(t());
    const first = await t().request(`/api/workshops/${workshop.id}`, { headers: workshop.headers });
    const second = await t().request(`/api/workshops/${workshop.id}/steps`, { headers: workshop.headers });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(announced(first)).toMatch(SESSION_ID);
    expect(announced(second)).toMatch(SESSION_ID);
    expect(announced(first)).not.toBe(announced(second));
  });

  it('echoes a usable id the client sent', async () => {
    const workshop = await createWorkshop(t());
    const sessionId = freshSessionId();
    const response = await t().request(`/api/workshops/${workshop.id}`, {
      headers: withSession(sessionId, workshop.headers),
    });
    expect(response.status).toBe(200);
    expect(announced(response)).toBe(sessionId);
  });

  it('is exposed to browsers (Access-Control-Expose-Headers) and may be sent by them (preflight)', async () => {
    const workshop = await createWorkshop(t());
    const response = await t().request(`/api/workshops/${workshop.id}/steps/challenge`, {
      headers: { ...workshop.headers, Origin: ALLOWED_ORIGIN },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    const exposed = (response.headers.get('access-control-expose-headers') ?? '')
      .toLowerCase()
      .split(/\s*,\s*/);
    expect(exposed).toContain('x-session-id');

    const preflight = await t().request(`/api/workshops/${workshop.id}/steps/challenge`, {
      method: 'OPTIONS',
      headers: {
        Origin: ALLOWED_ORIGIN,
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization, x-session-id',
      },
    });
    expect(preflight.status).toBeLessThan(300);
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '')
      .toLowerCase()
      .split(/\s*,\s*/);
    expect(allowed).toContain('x-session-id');
  });
});

describe('requests that are not meaningful activity write no session', () => {
  it.each([
    ['GET workshop', (workshop: Workshop) => `/api/workshops/${workshop.id}`],
    ['list steps', (workshop: Workshop) => `/api/workshops/${workshop.id}/steps`],
    ['list sessions', (workshop: Workshop) => `/api/workshops/${workshop.id}/sessions`],
    ['list members', (workshop: Workshop) => `/api/workshops/${workshop.id}/members`],
  ])('%s, with or without a client id', async (_label, path) => {
    const workshop = await createWorkshop(t());
    const sessionId = freshSessionId();
    const without = await t().request(path(workshop), { headers: workshop.headers });
    const withId = await t().request(path(workshop), { headers: withSession(sessionId, workshop.headers) });
    expect(without.status).toBe(200);
    expect(withId.status).toBe(200);
    expect(announced(without)).toMatch(SESSION_ID);
    expect(announced(withId)).toBe(sessionId);

    expect(await sessionsOf(t(), workshop.id)).toEqual([]);
    expect(await sessionById(t(), sessionId)).toEqual([]);
    expect(await sessionById(t(), announced(without) ?? '')).toEqual([]);
  });

  it('ending an unknown session with a client id in the header writes nothing either', async () => {
    const workshop = await createWorkshop(t());
    const headerId = freshSessionId();
    const response = await endSession(workshop, freshSessionId(), withSession(headerId, workshop.headers));
    expect(response.status).toBe(200);
    expect(await sessionsOf(t(), workshop.id)).toEqual([]);
  });
});

describe('a meaningful activity persists its session in the same request', () => {
  it.each(ACTIVITIES)(
    '%s with a client id: exactly one row with that id, for that workshop',
    async (_label, act) => {
      const workshop = await createWorkshop(t());
      const sessionId = freshSessionId();
      const response = await act(workshop, withSession(sessionId, workshop.headers));
      expect(response.status, await response.clone().text()).toBe(200);
      expect(announced(response)).toBe(sessionId);

      const rows = await sessionById(t(), sessionId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ id: sessionId, workshop_id: workshop.id, ended_at: null });
      expect(rows[0]?.started_at).toBeInstanceOf(Date);
      expect(await sessionsOf(t(), workshop.id)).toHaveLength(1);
    },
  );

  it.each(ACTIVITIES)(
    '%s without a client id: the announced new id is the one persisted',
    async (_label, act) => {
      const workshop = await createWorkshop(t());
      const response = await act(workshop, workshop.headers);
      expect(response.status).toBe(200);
      const sessionId = announced(response) ?? '';
      expect(sessionId).toMatch(SESSION_ID);
      expect(await sessionsOf(t(), workshop.id)).toEqual([
        expect.objectContaining({ id: sessionId, workshop_id: workshop.id, ended_at: null }),
      ]);
    },
  );

  it('repeated activity under the same id keeps one row, with its first start time', async () => {
    const workshop = await createWorkshop(t());
    const sessionId = freshSessionId();
    const headers = withSession(sessionId, workshop.headers);
    await persistedSession(workshop, sessionId);
    const [first] = await sessionById(t(), sessionId);

    for (const [, act] of ACTIVITIES) {
      const response = await act(workshop, headers);
      expect(response.status).toBe(200);
      expect(announced(response)).toBe(sessionId);
    }
    await persistedSession(workshop, sessionId);

    expect(await sessionsOf(t(), workshop.id)).toEqual([first]);
  });

  it('50 concurrent meaningful requests with one new id all succeed and leave exactly one row', async () => {
    const workshop = await createWorkshop(t());
    const sessionId = freshSessionId();
    const headers = withSession(sessionId, workshop.headers);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_unused, index) =>
        index % 2 === 0
          ? getStep(t(), workshop, 'challenge', { extra: headers })
          : getContext(t(), workshop, 'challenge', { extra: headers }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect(responses.map(announced)).toEqual(Array(50).fill(sessionId));

    const rows = await sessionsOf(t(), workshop.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: sessionId, workshop_id: workshop.id, ended_at: null });
  });
});

describe('a failed activity writes no session', () => {
  let workshop: Workshop;
  let viewer: Headers;
  beforeAll(async () => {
    workshop = await createWorkshop(t());
    viewer = await addMember(t(), workshop, 'viewer');
  });

  const cases: [string, (sessionId: string) => Promise<Response>, number][] = [
    [
      'a viewer saving an output (403)',
      (id) => putOutput(t(), workshop, 'challenge', { a: 1 }, { headers: viewer, extra: withSession(id) }),
      403,
    ],
    [
      'a viewer completing a step (403)',
      (id) =>
        completeStep(t(), workshop, 'challenge', { by: 'ai' }, { headers: viewer, extra: withSession(id) }),
      403,
    ],
    [
      'saving an unavailable step (409)',
      (id) => putOutput(t(), workshop, 'persona', { a: 1 }, { extra: withSession(id) }),
      409,
    ],
    [
      'completing an unavailable step (409)',
      (id) => completeStep(t(), workshop, 'validate', { by: 'ai' }, { extra: withSession(id) }),
      409,
    ],
    [
      'saving with a stale If-Match (412)',
      (id) =>
        putOutput(t(), workshop, 'challenge', { a: 1 }, { extra: withSession(id, { 'If-Match': '"st-1"' }) }),
      412,
    ],
    [
      'skipping without confirmation (428)',
      (id) => completeStep(t(), workshop, 'challenge', { by: 'user' }, { extra: withSession(id) }),
      428,
    ],
    [
      'an invalid output (400)',
      (id) => putOutput(t(), workshop, 'challenge', [1, 2], { extra: withSession(id) }),
      400,
    ],
    [
      'visiting an unknown step (404)',
      (id) => getStep(t(), workshop, 'no-such-step', { extra: withSession(id) }),
      404,
    ],
    [
      'context of an unknown step (404)',
      (id) => getContext(t(), workshop, 'no-such-step', { extra: withSession(id) }),
      404,
    ],
  ];

  it.each(cases)('%s', async (_label, act, status) => {
    const sessionId = freshSessionId();
    const response = await act(sessionId);
    expect(response.status, await response.clone().text()).toBe(status);
    expect(await sessionById(t(), sessionId)).toEqual([]);
    expect(await sessionsOf(t(), workshop.id)).toEqual([]);
  });

  it.each(ACTIVITIES)('%s by a non-member (404)', async (_label, act) => {
    const outsider = await stranger(t());
    const sessionId = freshSessionId();
    const response = await act(workshop, withSession(sessionId, outsider));
    await expectProblem(response, 404, 'not_found');
    expect(await sessionById(t(), sessionId)).toEqual([]);
    expect(await sessionsOf(t(), workshop.id)).toEqual([]);
  });

  it('any activity without a token (401)', async () => {
    const before = await allSessionCount();
    for (const [, act] of ACTIVITIES) {
      const response = await act(workshop, withSession(freshSessionId(), { Authorization: '' }));
      expect(response.status).toBe(401);
    }
    expect(await allSessionCount()).toBe(before);
  });
});

describe('ids that cannot be used are replaced, never attached', () => {
  it('an id of another workshop stays with it; the activity announces and persists a new id for this one', async () => {
    const first = await createWorkshop(t());
    const second = await createWorkshop(t(), { owner: first.owner });
    const sessionId = await persistedSession(first);

    const response = await getStep(t(), second, 'challenge', { extra: withSession(sessionId) });
    expect(response.status).toBe(200);
    const replacement = announced(response) ?? '';
    expect(replacement).toMatch(SESSION_ID);
    expect(replacement).not.toBe(sessionId);

    expect(await sessionById(t(), sessionId)).toEqual([expect.objectContaining({ workshop_id: first.id })]);
    expect(await sessionsOf(t(), second.id)).toEqual([
      expect.objectContaining({ id: replacement, workshop_id: second.id, ended_at: null }),
    ]);
    expect(await sessionsOf(t(), first.id)).toHaveLength(1);

    // The client carries on with the id it was given: the same row, nothing new.
    const next = await getContext(t(), second, 'challenge', { extra: withSession(replacement) });
    expect(next.status).toBe(200);
    expect(announced(next)).toBe(replacement);
    expect(await sessionsOf(t(), second.id)).toHaveLength(1);
  });

  it.each(ACTIVITIES)("%s with another workshop's id never writes under that id", async (_label, act) => {
    const first = await createWorkshop(t());
    const second = await createWorkshop(t(), { owner: first.owner });
    const sessionId = await persistedSession(first);
    const [before] = await sessionById(t(), sessionId);

    const response = await act(second, withSession(sessionId, second.headers));
    expect(response.status).toBe(200);
    expect(announced(response)).not.toBe(sessionId);
    expect(await sessionById(t(), sessionId)).toEqual([before]);
    expect((await sessionsOf(t(), second.id)).map((row) => row.id)).toEqual([announced(response)]);
  });

  it('an ended id used again gets a new id, announced and persisted; the ended row keeps its ended_at', async () => {
    const workshop = await createWorkshop(t());
    const sessionId = await persistedSession(workshop);
    await readJson(await endSession(workshop, sessionId), 200);
    const [ended] = await sessionById(t(), sessionId);
    expect(ended?.ended_at).toBeInstanceOf(Date);

    const response = await putOutput(
      t(),
      workshop,
      'challenge',
      { after: 'end' },
      { extra: withSession(sessionId) },
    );
    expect(response.status).toBe(200);
    const replacement = announced(response) ?? '';
    expect(replacement).toMatch(SESSION_ID);
    expect(replacement).not.toBe(sessionId);

    expect(await sessionById(t(), sessionId)).toEqual([ended]);
    expect(await sessionById(t(), replacement)).toEqual([
      expect.objectContaining({ id: replacement, workshop_id: workshop.id, ended_at: null }),
    ]);
    expect(await sessionsOf(t(), workshop.id)).toHaveLength(2);
  });

  it('an ended id sent by many requests at once, and again later, maps to one replacement session', async () => {
    const workshop = await createWorkshop(t());
    const sessionId = await persistedSession(workshop);
    await readJson(await endSession(workshop, sessionId), 200);

    const responses = await Promise.all(
      Array.from({ length: 8 }, () => getStep(t(), workshop, 'challenge', { extra: withSession(sessionId) })),
    );
    const announcedIds = new Set(responses.map((response) => announced(response)));
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(200));
    expect(announcedIds.size).toBe(1);
    const [replacement] = [...announcedIds];
    expect(replacement).toMatch(SESSION_ID);

    const later = await getStep(t(), workshop, 'challenge', { extra: withSession(sessionId) });
    expect(announced(later)).toBe(replacement);
    expect((await sessionsOf(t(), workshop.id)).map((row) => row.id).sort()).toEqual(
      [sessionId, replacement ?? ''].sort(),
    );
  });

  it.each([
    ['ses_bogus', 'ses_bogus'],
    ['10 KB', `ses_${'a'.repeat(10_000)}`],
    ['upper case', 'ses_ABCDEFGHIJKLMNOPQRSTUVWX'],
    ['SQL', "ses_'; drop table sessions; --"],
    ['another prefix', 'ws_abcdefghijklmnopqrstuvwx'],
    ['a digit first', 'ses_0bcdefghijklmnopqrstuvwx'],
  ])('a malformed id (%s) is replaced by a fresh one, and only that is persisted', async (_label, bogus) => {
    const workshop = await createWorkshop(t());
    const response = await getStep(t(), workshop, 'challenge', { extra: withSession(bogus) });
    expect(response.status).toBe(200);
    const replacement = announced(response) ?? '';
    expect(replacement).toMatch(SESSION_ID);
    expect(replacement).not.toBe(bogus);
    expect((await sessionsOf(t(), workshop.id)).map((row) => row.id)).toEqual([replacement]);
    expect(await sessionById(t(), bogus)).toEqual([]);
  });
});

describe('GET /api/workshops/{workshopId}/sessions', () => {
  it('lists persisted sessions newest first; limit bounds the page', async () => {
    const workshop = await createWorkshop(t());
    const ids: string[] = [];
    for (let index = 0; index < 4; index++) {
      ids.push(await persistedSession(workshop));
      // Distinct start times (millisecond precision), so "newest first" has one right answer.
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    await readJson(await endSession(workshop, ids[0] ?? ''), 200);

    const all = await readJson<{ items: SessionBody[] }>(await listSessions(workshop), 200);
    expect(all.items.map((item) => item.id)).toEqual([...ids].reverse());
    for (const item of all.items) {
      expect(item.startedAt).toMatch(ISO_UTC);
      expect(Object.keys(item).sort()).toEqual(['endedAt', 'id', 'startedAt']);
    }
    expect(all.items.at(-1)?.endedAt).toMatch(ISO_UTC);
    expect(all.items[0]?.endedAt).toBeNull();

    const records = await sessionsOf(t(), workshop.id);
    for (const item of all.items) {
      const record = records.find((row) => row.id === item.id);
      expect(item.startedAt).toBe(record?.started_at.toISOString());
    }

    const page = await readJson<{ items: SessionBody[] }>(await listSessions(workshop, '?limit=2'), 200);
    expect(page.items.map((item) => item.id)).toEqual([ids[3], ids[2]]);
  });

  it('answers an empty list for a workshop with no meaningful activity yet', async () => {
    const workshop = await createWorkshop(t());
    expect(await readJson(await listSessions(workshop), 200)).toEqual({ items: [] });
  });

  it('lists only the sessions of this workshop', async () => {
    const first = await createWorkshop(t());
    const second = await createWorkshop(t(), { owner: first.owner });
    await persistedSession(first);
    const own = await persistedSession(second);
    const body = await readJson<{ items: SessionBody[] }>(await listSessions(second), 200);
    expect(body.items.map((item) => item.id)).toEqual([own]);
  });

  it.each(['?limit=101', '?limit=0', '?limit=-1', '?limit=abc', '?limit=1.5'])(
    'refuses %s with 400',
    async (query) => {
      const workshop = await createWorkshop(t());
      await expectProblem(await listSessions(workshop, query), 400, 'validation_failed');
    },
  );

  it('accepts limit=100', async () => {
    const workshop = await createWorkshop(t());
    await persistedSession(workshop);
    const body = await readJson<{ items: SessionBody[] }>(await listSessions(workshop, '?limit=100'), 200);
    expect(body.items).toHaveLength(1);
  });

  it('is open to a viewer, and a non-member gets 404', async () => {
    const workshop = await createWorkshop(t());
    const sessionId = await persistedSession(workshop);
    const viewer = await addMember(t(), workshop, 'viewer');
    const body = await readJson<{ items: SessionBody[] }>(await listSessions(workshop, '', viewer), 200);
    expect(body.items.map((item) => item.id)).toEqual([sessionId]);
    await expectProblem(await listSessions(workshop, '', await stranger(t())), 404, 'not_found');
  });
});

describe('POST /api/workshops/{workshopId}/sessions/{sessionId}/end', () => {
  it('sets ended_at once; a second call answers the same ended_at and changes nothing', async () => {
    const workshop = await createWorkshop(t());
    const sessionId = await persistedSession(workshop);

    const first = await readJson<EndedSessionBody>(await endSession(workshop, sessionId), 200);
    expect(first).toMatchObject({ id: sessionId, persisted: true });
    expect(first.startedAt).toMatch(ISO_UTC);
    expect(first.endedAt).toMatch(ISO_UTC);
    const [afterFirst] = await sessionById(t(), sessionId);
    expect(afterFirst?.ended_at?.toISOString()).toBe(first.endedAt);
    expect(afterFirst?.started_at.toISOString()).toBe(first.startedAt);

    const second = await readJson<EndedSessionBody>(await endSession(workshop, sessionId), 200);
    expect(second).toEqual(first);
    expect(await sessionById(t(), sessionId)).toEqual([afterFirst]);
  });

  it('answers persisted: false for a session that was never persisted, and writes no row', async () => {
    const workshop = await createWorkshop(t());
    const sessionId = freshSessionId();
    const body = await readJson<EndedSessionBody>(await endSession(workshop, sessionId), 200);
    expect(body).toEqual({ id: sessionId, persisted: false, startedAt: null, endedAt: null });
    expect(await sessionById(t(), sessionId)).toEqual([]);
    expect(await sessionsOf(t(), workshop.id)).toEqual([]);
  });

  it("answers 404 for another workshop's session, and leaves it open", async () => {
    const first = await createWorkshop(t());
    const second = await createWorkshop(t(), { owner: first.owner });
    const sessionId = await persistedSession(first);
    const [before] = await sessionById(t(), sessionId);

    await expectProblem(await endSession(second, sessionId), 404, 'not_found');
    expect(await sessionById(t(), sessionId)).toEqual([before]);
    expect(before?.ended_at).toBeNull();
    expect(await sessionsOf(t(), second.id)).toEqual([]);
  });

  it('may be called by a viewer (any member)', async () => {
    const workshop = await createWorkshop(t());
    const sessionId = await persistedSession(workshop);
    const viewer = await addMember(t(), workshop, 'viewer');
    const body = await readJson<EndedSessionBody>(await endSession(workshop, sessionId, viewer), 200);
    expect(body).toMatchObject({ id: sessionId, persisted: true });
    expect((await sessionById(t(), sessionId))[0]?.ended_at).toBeInstanceOf(Date);
  });

  it('answers a non-member 404 and leaves the session open', async () => {
    const workshop = await createWorkshop(t());
    const sessionId = await persistedSession(workshop);
    const [before] = await sessionById(t(), sessionId);
    await expectProblem(await endSession(workshop, sessionId, await stranger(t())), 404, 'not_found');
    expect(await sessionById(t(), sessionId)).toEqual([before]);
  });

  it.each(['ses_bogus', `ses_${'a'.repeat(10_000)}`, encodeURIComponent("'; drop table sessions; --")])(
    'answers 404 for a malformed session id (%#)',
    async (sessionId) => {
      const workshop = await createWorkshop(t());
      await expectProblem(await endSession(workshop, sessionId), 404, 'not_found');
    },
  );

  it('answers 401 without a token, and leaves the session open', async () => {
    const workshop = await createWorkshop(t());
    const sessionId = await persistedSession(workshop);
    await expectProblem(await endSession(workshop, sessionId, {}), 401, 'unauthorized');
    expect((await sessionById(t(), sessionId))[0]?.ended_at).toBeNull();
  });
});
