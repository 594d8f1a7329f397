/**
 * The build-pack routes' lifecycle end to end: create (Idempotency-Key included), list, get, delete, the
 * cascade of a workshop's hard delete, and one round trip per request.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  comparable,
  createWorkshop,
  type Headers,
  ISO_UTC,
  newUser,
  readJson,
  stranger,
  UNKNOWN_WORKSHOP_ID,
  type Workshop,
} from '../steps/support';
import { expectProblem } from '../support/problem';
import { useTestApp } from '../support/test-app';
import {
  createPack,
  deletePack,
  etagOf,
  FORMATS,
  getContent,
  getPack,
  getPacks,
  PACK_ID,
  type PackBody,
  type PackFormat,
  packRecord,
  packRecords,
  packsPath,
  postPack,
  UNKNOWN_PACK_ID,
  writeOutput,
} from './support';

const t = useTestApp();

/** A workshop id as the API shows it: a stand-in that names a workshop nobody can see. */
const unknownWorkshop = (headers: Headers): Workshop => ({
  id: UNKNOWN_WORKSHOP_ID,
  owner: 'nobody',
  headers,
});

describe('POST /api/workshops/{workshopId}/build-packs', () => {
  it.each(FORMATS)('%s → 201, Location, contentUrl, default title, a row in build_packs', async (format) => {
    const workshop = await createWorkshop(t(), { title: 'Night-shift meals' });
    const response = await postPack(t(), workshop, { format });
    const pack = await readJson<PackBody>(response, 201);

    const location = `/api/workshops/${workshop.id}/build-packs/${pack.id}`;
    expect(response.headers.get('location')).toBe(location);
    expect(response.headers.get('idempotent-replayed')).toBeNull();
    expect(pack).toEqual({
      id: expect.stringMatching(PACK_ID),
      workshopId: workshop.id,
      title: 'Night-shift meals — build pack',
      format,
      contentUrl: `${location}/content`,
      createdAt: expect.stringMatching(ISO_UTC),
      updatedAt: expect.stringMatching(ISO_UTC),
    });

    const rows = await packRecords(t(), workshop.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: pack.id,
      workshop_id: workshop.id,
      title: 'Night-shift meals — build pack',
      format_type: format,
    });
    expect(rows[0]?.created_at.toISOString()).toBe(pack.createdAt);
    expect(rows[0]?.updated_at.toISOString()).toBe(pack.updatedAt);
  });

  it('keeps a given title byte for byte (Unicode, 200 characters at most)', async () => {
    const workshop = await createWorkshop(t());
    const unicode = 'Pläne für Nachtschichten — 夜勤の食事 🌙';
    expect((await createPack(t(), workshop, { format: 'markdown', title: unicode })).title).toBe(unicode);
    const longest = 'x'.repeat(200);
    expect((await createPack(t(), workshop, { format: 'json', title: longest })).title).toBe(longest);
    expect((await packRecords(t(), workshop.id)).map((row) => row.title)).toEqual([unicode, longest]);
  });

  it('an editor may create one too', async () => {
    const workshop = await createWorkshop(t());
    const editor = await addMember(t(), workshop, 'editor');
    const response = await postPack(t(), workshop, { format: 'pdf' }, { headers: editor });
    const pack = await readJson<PackBody>(response, 201);
    expect((await packRecord(t(), pack.id))?.workshop_id).toBe(workshop.id);
  });

  const invalid: [string, unknown][] = [
    ['an unknown format', { format: 'docx' }],
    ['a format in another case', { format: 'PDF' }],
    ['no format', { title: 'No format' }],
    ['an unknown field', { format: 'markdown', colour: 'blue' }],
    ['an empty title', { format: 'markdown', title: '' }],
    ['a blank title', { format: 'markdown', title: ' \t\n ' }],
    ['a 201-character title', { format: 'markdown', title: 'x'.repeat(201) }],
    ['a title with NUL', { format: 'markdown', title: 'before\u0000after' }],
    ['a title that is not a string', { format: 'markdown', title: 42 }],
    ['a null title', { format: 'markdown', title: null }],
    ['an array', [{ format: 'markdown' }]],
  ];

  it.each(invalid)('%s → 400 validation_failed, no row', async (_label, body) => {
    const workshop = await createWorkshop(t());
    const problem = await expectProblem(await postPack(t(), workshop, body), 400, 'validation_failed');
    expect(problem.errors?.length ?? 0).toBeGreaterThan(0);
    expect(await packRecords(t(), workshop.id)).toEqual([]);
  });

  it('a body that is not JSON → 400, no row', async () => {
    const workshop = await createWorkshop(t());
    const response = await t().request(packsPath(workshop.id), {
      method: 'POST',
      body: '{"format": "markdown"',
      headers: { 'Content-Type': 'application/json', ...workshop.headers },
    });
    await expectProblem(response, 400, 'malformed_json');
    expect(await packRecords(t(), workshop.id)).toEqual([]);
  });
});

describe('Idempotency-Key on create', () => {
  it('same key and same body → the same pack, Idempotent-Replayed: true, one row', async () => {
    const workshop = await createWorkshop(t());
    const key = { 'Idempotency-Key': 'routes-pack-1' };
    const first = await postPack(t(), workshop, { format: 'json', title: 'Once' }, { extra: key });
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const original = await readJson<PackBody>(first, 201);

    const again = await postPack(t(), workshop, { title: 'Once', format: 'json' }, { extra: key });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(await readJson<PackBody>(again, 201)).toEqual(original);
    expect((await packRecords(t(), workshop.id)).map((row) => row.id)).toEqual([original.id]);
  });

  it('same key with a different body → 422 idempotency_key_reused, no new row', async () => {
    const workshop = await createWorkshop(t());
    const key = { 'Idempotency-Key': 'routes-pack-2' };
    const original = await readJson<PackBody>(
      await postPack(t(), workshop, { format: 'markdown' }, { extra: key }),
      201,
    );
    await expectProblem(
      await postPack(t(), workshop, { format: 'pdf' }, { extra: key }),
      422,
      'idempotency_key_reused',
    );
    await expectProblem(
      await postPack(t(), workshop, { format: 'markdown', title: 'Another' }, { extra: key }),
      422,
      'idempotency_key_reused',
    );
    expect((await packRecords(t(), workshop.id)).map((row) => row.id)).toEqual([original.id]);
  });
});

describe('GET …/build-packs and GET …/build-packs/{packId}', () => {
  it('lists the packs newest first, to every member; a pack reads back as created', async () => {
    const workshop = await createWorkshop(t());
    const created: PackBody[] = [];
    for (const format of ['markdown', 'pdf', 'json', 'markdown'] as const) {
      created.push(await createPack(t(), workshop, { format, title: `Pack ${created.length + 1}` }));
    }
    const viewer = await addMember(t(), workshop, 'viewer');
    for (const headers of [workshop.headers, viewer]) {
      const list = await readJson<{ items: PackBody[] }>(await getPacks(t(), workshop, { headers }), 200);
      expect(list.items).toEqual([...created].reverse());
    }
    const rows = await packRecords(t(), workshop.id);
    expect(rows.map((row) => row.id)).toEqual(created.map((pack) => pack.id));

    for (const pack of created) {
      expect(
        await readJson<PackBody>(await getPack(t(), workshop, pack.id, { headers: viewer }), 200),
      ).toEqual(pack);
    }
  });

  it('a workshop without packs lists none; only its own packs are listed', async () => {
    const workshop = await createWorkshop(t());
    const other = await createWorkshop(t());
    await createPack(t(), other, { format: 'markdown' });
    expect(await readJson<{ items: PackBody[] }>(await getPacks(t(), workshop), 200)).toEqual({ items: [] });
  });

  it('a non-member → 404 like an unknown workshop (list) or an unknown pack (get)', async () => {
    const workshop = await createWorkshop(t());
    const pack = await createPack(t(), workshop, { format: 'markdown' });
    const outsider = await stranger(t());

    const hiddenList = await expectProblem(
      await getPacks(t(), workshop, { headers: outsider }),
      404,
      'not_found',
    );
    const unknownList = await expectProblem(await getPacks(t(), unknownWorkshop(outsider)), 404, 'not_found');
    expect(comparable(hiddenList)).toEqual(comparable(unknownList));

    const hiddenPack = await expectProblem(
      await getPack(t(), workshop, pack.id, { headers: outsider }),
      404,
      'not_found',
    );
    const unknownPack = await expectProblem(await getPack(t(), workshop, UNKNOWN_PACK_ID), 404, 'not_found');
    expect(comparable(hiddenPack)).toEqual(comparable(unknownPack));
  });

  it("another workshop's pack id under this workshop → 404 (get and content)", async () => {
    const workshop = await createWorkshop(t());
    const other = await createWorkshop(t(), { owner: workshop.owner });
    const foreign = await createPack(t(), other, { format: 'markdown' });
    await expectProblem(await getPack(t(), workshop, foreign.id), 404, 'not_found');
    await expectProblem(await getContent(t(), workshop, foreign.id), 404, 'not_found');
  });

  it('a malformed pack id → the 404 of an unknown pack (an id of the wrong shape names nothing)', async () => {
    const workshop = await createWorkshop(t());
    const malformed = await expectProblem(await getPack(t(), workshop, 'not-a-pack-id'), 404, 'not_found');
    await expectProblem(await getContent(t(), workshop, 'bp_UPPER'), 404, 'not_found');
    await expectProblem(await deletePack(t(), workshop, 'ws_zzzzzzzzzzzzzzzzzzzzzzzz'), 404, 'not_found');
    expect(malformed.code).toBe('not_found');
  });
});

describe('DELETE …/build-packs/{packId}', () => {
  it('an editor → 204 with no body, and the row is gone; then 404', async () => {
    const workshop = await createWorkshop(t());
    const editor = await addMember(t(), workshop, 'editor');
    const pack = await createPack(t(), workshop, { format: 'pdf' });
    const kept = await createPack(t(), workshop, { format: 'markdown' });

    const response = await deletePack(t(), workshop, pack.id, { headers: editor });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(await packRecord(t(), pack.id)).toBeUndefined();
    expect((await packRecords(t(), workshop.id)).map((row) => row.id)).toEqual([kept.id]);

    await expectProblem(await getPack(t(), workshop, pack.id), 404, 'not_found');
    await expectProblem(await getContent(t(), workshop, pack.id), 404, 'not_found');
    await expectProblem(await deletePack(t(), workshop, pack.id), 404, 'not_found');
  });

  it('the owner → 204', async () => {
    const workshop = await createWorkshop(t());
    const pack = await createPack(t(), workshop, { format: 'json' });
    expect((await deletePack(t(), workshop, pack.id)).status).toBe(204);
    expect(await packRecords(t(), workshop.id)).toEqual([]);
  });

  it('an unknown pack id → 404; a non-member → the same 404, the row stays', async () => {
    const workshop = await createWorkshop(t());
    const pack = await createPack(t(), workshop, { format: 'markdown' });
    const unknown = await expectProblem(await deletePack(t(), workshop, UNKNOWN_PACK_ID), 404, 'not_found');
    const hidden = await expectProblem(
      await deletePack(t(), workshop, pack.id, { headers: await stranger(t()) }),
      404,
      'not_found',
    );
    expect(comparable(hidden)).toEqual(comparable(unknown));
    expect((await packRecord(t(), pack.id))?.id).toBe(pack.id);
  });

  it("another workshop's pack id under this workshop → 404, that pack stays", async () => {
    const workshop = await createWorkshop(t());
    const other = await createWorkshop(t(), { owner: workshop.owner });
    const foreign = await createPack(t(), other, { format: 'markdown' });
    await expectProblem(await deletePack(t(), workshop, foreign.id), 404, 'not_found');
    expect((await packRecord(t(), foreign.id))?.workshop_id).toBe(other.id);
  });
});

describe('hard delete of the workshop', () => {
  it('removes its build_packs rows; every pack route then answers 404', async () => {
    const workshop = await createWorkshop(t());
    const packs = [
      await createPack(t(), workshop, { format: 'markdown' }),
      await createPack(t(), workshop, { format: 'pdf' }),
    ];
    const other = await createWorkshop(t(), { owner: workshop.owner });
    const survivor = await createPack(t(), other, { format: 'json' });
    expect(await packRecords(t(), workshop.id)).toHaveLength(2);

    const deleted = await t().request(`/api/workshops/${workshop.id}?confirm=true`, {
      method: 'DELETE',
      headers: workshop.headers,
    });
    expect(deleted.status, await deleted.clone().text()).toBe(204);

    expect(await packRecords(t(), workshop.id)).toEqual([]);
    for (const pack of packs) expect(await packRecord(t(), pack.id)).toBeUndefined();
    expect((await packRecord(t(), survivor.id))?.workshop_id).toBe(other.id);

    await expectProblem(await getPacks(t(), workshop), 404, 'not_found');
    await expectProblem(await postPack(t(), workshop, { format: 'markdown' }), 404, 'not_found');
    for (const pack of packs) {
      await expectProblem(await getPack(t(), workshop, pack.id), 404, 'not_found');
      await expectProblem(await getContent(t(), workshop, pack.id), 404, 'not_found');
      await expectProblem(await deletePack(t(), workshop, pack.id), 404, 'not_found');
    }
    expect(await packRecords(t(), workshop.id)).toEqual([]);
  });
});

describe('one database round trip per request', () => {
  let workshop: Workshop;
  let packs: Record<PackFormat, PackBody>;

  beforeAll(async () => {
    workshop = await createWorkshop(t());
    await writeOutput(t(), workshop, 'challenge', { statement: 'Round trips' });
    packs = {
      markdown: await createPack(t(), workshop, { format: 'markdown' }),
      json: await createPack(t(), workshop, { format: 'json' }),
      pdf: await createPack(t(), workshop, { format: 'pdf' }),
    };
  });

  async function roundTrips(send: () => Promise<Response>, status: number): Promise<number> {
    const { result, roundTrips: count } = await t().countRoundTrips(async () => {
      const response = await send();
      await response.arrayBuffer();
      return response;
    });
    expect(result.status).toBe(status);
    return count;
  }

  it('POST …/build-packs', async () => {
    expect(await roundTrips(() => postPack(t(), workshop, { format: 'markdown' }), 201)).toBe(1);
  });

  it('POST …/build-packs with an Idempotency-Key, first and replayed', async () => {
    const send = () =>
      postPack(t(), workshop, { format: 'json' }, { extra: { 'Idempotency-Key': 'routes-round-trips' } });
    expect(await roundTrips(send, 201)).toBe(1);
    expect(await roundTrips(send, 201)).toBe(1);
  });

  it('POST …/build-packs refused (viewer 403, non-member 404)', async () => {
    const viewer = await addMember(t(), workshop, 'viewer');
    expect(await roundTrips(() => postPack(t(), workshop, { format: 'pdf' }, { headers: viewer }), 403)).toBe(
      1,
    );
    const outsider = await t().as(newUser('outsider'));
    expect(
      await roundTrips(() => postPack(t(), workshop, { format: 'pdf' }, { headers: outsider }), 404),
    ).toBe(1);
  });

  it('GET …/build-packs', async () => {
    expect(await roundTrips(() => getPacks(t(), workshop), 200)).toBe(1);
  });

  it('GET …/build-packs/{packId}', async () => {
    expect(await roundTrips(() => getPack(t(), workshop, packs.markdown.id), 200)).toBe(1);
  });

  it.each(FORMATS)('GET …/build-packs/{packId}/content (%s), and its 304', async (format) => {
    const pack = packs[format];
    expect(await roundTrips(() => getContent(t(), workshop, pack.id), 200)).toBe(1);
    const etag = etagOf(await getContent(t(), workshop, pack.id));
    expect(
      await roundTrips(() => getContent(t(), workshop, pack.id, { extra: { 'If-None-Match': etag } }), 304),
    ).toBe(1);
  });

  it('DELETE …/build-packs/{packId}', async () => {
    const pack = await createPack(t(), workshop, { format: 'markdown' });
    expect(await roundTrips(() => deletePack(t(), workshop, pack.id), 204)).toBe(1);
    expect(await roundTrips(() => deletePack(t(), workshop, pack.id), 404)).toBe(1);
  });
});
