/**
 * The build-pack routes end to end (docs/api.md, "Build packs"): create, list, get, delete, and the content
 * rendered now from the current outputs, with its headers (Content-Type, Content-Disposition, ETag),
 * Idempotency-Key on create, the cascade of a workshop's hard delete and one round trip per request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackDocumentSchema } from '../../src/lib/build-pack/json';
import { flatten, readPdf } from '../build-pack/pdf-text';
import {
  addMember,
  comparable,
  completeStep,
  createWorkshop,
  type Headers,
  ISO_UTC,
  newUser,
  putOutput,
  readJson,
  STEPS,
  stepRecords,
  stranger,
  UNKNOWN_WORKSHOP_ID,
  type Workshop,
} from '../steps/support';
import { expectProblem } from '../support/problem';
import { createTestApp, jsonBody, type TestApp } from '../support/test-app';
import {
  createPack,
  deletePack,
  etagOf,
  fileNames,
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
} from './support';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

afterAll(async () => {
  await t?.close();
});

const FORMATS: readonly PackFormat[] = ['markdown', 'json', 'pdf'];

/** A workshop id as the API shows it: a stand-in that names a workshop nobody can see. */
const unknownWorkshop = (headers: Headers): Workshop => ({
  id: UNKNOWN_WORKSHOP_ID,
  owner: 'nobody',
  headers,
});

async function writeOutput(workshop: Workshop, stepId: string, output: Record<string, unknown>) {
  const response = await putOutput(t, workshop, stepId, output);
  expect(response.status, await response.clone().text()).toBe(200);
}

async function patchTitle(workshop: Workshop, title: string) {
  const response = await t.request(`/api/workshops/${workshop.id}`, {
    method: 'PATCH',
    ...jsonBody({ title }, workshop.headers),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

/** Reads the content with a 200, returning the response (body unread) and its ETag. */
async function content(workshop: Workshop, packId: string, headers?: Headers) {
  const response = await getContent(t, workshop, packId, headers ? { headers } : {});
  expect(response.status, response.status === 200 ? '' : await response.clone().text()).toBe(200);
  return { response, etag: etagOf(response) };
}

async function contentText(workshop: Workshop, packId: string): Promise<string> {
  return (await content(workshop, packId)).response.text();
}

describe('POST /api/workshops/{workshopId}/build-packs', () => {
  it.each(FORMATS)('%s → 201, Location, contentUrl, default title, a row in build_packs', async (format) => {
    const workshop = await createWorkshop(t, { title: 'Night-shift meals' });
    const response = await postPack(t, workshop, { format });
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

    const rows = await packRecords(t, workshop.id);
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
    const workshop = await createWorkshop(t);
    const unicode = 'Pläne für Nachtschichten — 夜勤の食事 🌙';
    expect((await createPack(t, workshop, { format: 'markdown', title: unicode })).title).toBe(unicode);
    const longest = 'x'.repeat(200);
    expect((await createPack(t, workshop, { format: 'json', title: longest })).title).toBe(longest);
    expect((await packRecords(t, workshop.id)).map((row) => row.title)).toEqual([unicode, longest]);
  });

  it('an editor may create one too', async () => {
    const workshop = await createWorkshop(t);
    const editor = await addMember(t, workshop, 'editor');
    const response = await postPack(t, workshop, { format: 'pdf' }, { headers: editor });
    const pack = await readJson<PackBody>(response, 201);
    expect((await packRecord(t, pack.id))?.workshop_id).toBe(workshop.id);
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
    const workshop = await createWorkshop(t);
    const problem = await expectProblem(await postPack(t, workshop, body), 400, 'validation_failed');
    expect(problem.errors?.length ?? 0).toBeGreaterThan(0);
    expect(await packRecords(t, workshop.id)).toEqual([]);
  });

  it('a body that is not JSON → 400, no row', async () => {
    const workshop = await createWorkshop(t);
    const response = await t.request(packsPath(workshop.id), {
      method: 'POST',
      body: '{"format": "markdown"',
      headers: { 'Content-Type': 'application/json', ...workshop.headers },
    });
    await expectProblem(response, 400, 'malformed_json');
    expect(await packRecords(t, workshop.id)).toEqual([]);
  });
});

describe('Idempotency-Key on create', () => {
  it('same key and same body → the same pack, Idempotent-Replayed: true, one row', async () => {
    const workshop = await createWorkshop(t);
    const key = { 'Idempotency-Key': 'routes-pack-1' };
    const first = await postPack(t, workshop, { format: 'json', title: 'Once' }, { extra: key });
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const original = await readJson<PackBody>(first, 201);

    const again = await postPack(t, workshop, { title: 'Once', format: 'json' }, { extra: key });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(await readJson<PackBody>(again, 201)).toEqual(original);
    expect((await packRecords(t, workshop.id)).map((row) => row.id)).toEqual([original.id]);
  });

  it('same key with a different body → 422 idempotency_key_reused, no new row', async () => {
    const workshop = await createWorkshop(t);
    const key = { 'Idempotency-Key': 'routes-pack-2' };
    const original = await readJson<PackBody>(
      await postPack(t, workshop, { format: 'markdown' }, { extra: key }),
      201,
    );
    await expectProblem(
      await postPack(t, workshop, { format: 'pdf' }, { extra: key }),
      422,
      'idempotency_key_reused',
    );
    await expectProblem(
      await postPack(t, workshop, { format: 'markdown', title: 'Another' }, { extra: key }),
      422,
      'idempotency_key_reused',
    );
    expect((await packRecords(t, workshop.id)).map((row) => row.id)).toEqual([original.id]);
  });
});

describe('GET …/build-packs and GET …/build-packs/{packId}', () => {
  it('lists the packs newest first, to every member; a pack reads back as created', async () => {
    const workshop = await createWorkshop(t);
    const created: PackBody[] = [];
    for (const format of ['markdown', 'pdf', 'json', 'markdown'] as const) {
      created.push(await createPack(t, workshop, { format, title: `Pack ${created.length + 1}` }));
    }
    const viewer = await addMember(t, workshop, 'viewer');
    for (const headers of [workshop.headers, viewer]) {
      const list = await readJson<{ items: PackBody[] }>(await getPacks(t, workshop, { headers }), 200);
      expect(list.items).toEqual([...created].reverse());
    }
    const rows = await packRecords(t, workshop.id);
    expect(rows.map((row) => row.id)).toEqual(created.map((pack) => pack.id));

    for (const pack of created) {
      expect(await readJson<PackBody>(await getPack(t, workshop, pack.id, { headers: viewer }), 200)).toEqual(
        pack,
      );
    }
  });

  it('a workshop without packs lists none; only its own packs are listed', async () => {
    const workshop = await createWorkshop(t);
    const other = await createWorkshop(t);
    await createPack(t, other, { format: 'markdown' });
    expect(await readJson<{ items: PackBody[] }>(await getPacks(t, workshop), 200)).toEqual({ items: [] });
  });

  it('a non-member → 404 like an unknown workshop (list) or an unknown pack (get)', async () => {
    const workshop = await createWorkshop(t);
    const pack = await createPack(t, workshop, { format: 'markdown' });
    const outsider = await stranger(t);

    const hiddenList = await expectProblem(
      await getPacks(t, workshop, { headers: outsider }),
      404,
      'not_found',
    );
    const unknownList = await expectProblem(await getPacks(t, unknownWorkshop(outsider)), 404, 'not_found');
    expect(comparable(hiddenList)).toEqual(comparable(unknownList));

    const hiddenPack = await expectProblem(
      await getPack(t, workshop, pack.id, { headers: outsider }),
      404,
      'not_found',
    );
    const unknownPack = await expectProblem(await getPack(t, workshop, UNKNOWN_PACK_ID), 404, 'not_found');
    expect(comparable(hiddenPack)).toEqual(comparable(unknownPack));
  });

  it("another workshop's pack id under this workshop → 404 (get and content)", async () => {
    const workshop = await createWorkshop(t);
    const other = await createWorkshop(t, { owner: workshop.owner });
    const foreign = await createPack(t, other, { format: 'markdown' });
    await expectProblem(await getPack(t, workshop, foreign.id), 404, 'not_found');
    await expectProblem(await getContent(t, workshop, foreign.id), 404, 'not_found');
  });

  it('a malformed pack id → the 404 of an unknown pack (an id of the wrong shape names nothing)', async () => {
    const workshop = await createWorkshop(t);
    const malformed = await expectProblem(await getPack(t, workshop, 'not-a-pack-id'), 404, 'not_found');
    await expectProblem(await getContent(t, workshop, 'bp_UPPER'), 404, 'not_found');
    await expectProblem(await deletePack(t, workshop, 'ws_zzzzzzzzzzzzzzzzzzzzzzzz'), 404, 'not_found');
    expect(malformed.code).toBe('not_found');
  });
});

describe('DELETE …/build-packs/{packId}', () => {
  it('an editor → 204 with no body, and the row is gone; then 404', async () => {
    const workshop = await createWorkshop(t);
    const editor = await addMember(t, workshop, 'editor');
    const pack = await createPack(t, workshop, { format: 'pdf' });
    const kept = await createPack(t, workshop, { format: 'markdown' });

    const response = await deletePack(t, workshop, pack.id, { headers: editor });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(await packRecord(t, pack.id)).toBeUndefined();
    expect((await packRecords(t, workshop.id)).map((row) => row.id)).toEqual([kept.id]);

    await expectProblem(await getPack(t, workshop, pack.id), 404, 'not_found');
    await expectProblem(await getContent(t, workshop, pack.id), 404, 'not_found');
    await expectProblem(await deletePack(t, workshop, pack.id), 404, 'not_found');
  });

  it('the owner → 204', async () => {
    const workshop = await createWorkshop(t);
    const pack = await createPack(t, workshop, { format: 'json' });
    expect((await deletePack(t, workshop, pack.id)).status).toBe(204);
    expect(await packRecords(t, workshop.id)).toEqual([]);
  });

  it('an unknown pack id → 404; a non-member → the same 404, the row stays', async () => {
    const workshop = await createWorkshop(t);
    const pack = await createPack(t, workshop, { format: 'markdown' });
    const unknown = await expectProblem(await deletePack(t, workshop, UNKNOWN_PACK_ID), 404, 'not_found');
    const hidden = await expectProblem(
      await deletePack(t, workshop, pack.id, { headers: await stranger(t) }),
      404,
      'not_found',
    );
    expect(comparable(hidden)).toEqual(comparable(unknown));
    expect((await packRecord(t, pack.id))?.id).toBe(pack.id);
  });

  it("another workshop's pack id under this workshop → 404, that pack stays", async () => {
    const workshop = await createWorkshop(t);
    const other = await createWorkshop(t, { owner: workshop.owner });
    const foreign = await createPack(t, other, { format: 'markdown' });
    await expectProblem(await deletePack(t, workshop, foreign.id), 404, 'not_found');
    expect((await packRecord(t, foreign.id))?.workshop_id).toBe(other.id);
  });
});

describe('GET …/build-packs/{packId}/content', () => {
  it('markdown → text/markdown; charset=utf-8, an attachment named after the (Unicode) title', async () => {
    const title = 'Mahlzeiten für Nachtschichten — 夜勤 🌙';
    const workshop = await createWorkshop(t, { title });
    const pack = await createPack(t, workshop, { format: 'markdown' });
    expect(pack.title).toBe(`${title} — build pack`);

    const { response } = await content(workshop, pack.id);
    expect(response.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    const names = fileNames(response.headers.get('content-disposition'));
    expect(names.ascii).toBe('Mahlzeiten-fur-Nachtschichten-build-pack.md');
    expect(names.exact).toBe(`${title} — build pack.md`);
    expect(response.headers.get('cache-control')).toMatch(/\bprivate\b/);

    const text = await response.text();
    expect(text).toContain(title);
    for (const step of STEPS) expect(text).toContain(step.name);
  });

  it('quotes, backslashes, semicolons and line breaks in a title stay out of the header syntax', async () => {
    const workshop = await createWorkshop(t);
    const title = 'Say "hi"; then\\leave\r\nSet-Cookie: x=1 (100%) it\'s *';
    const pack = await createPack(t, workshop, { format: 'markdown', title });
    expect(pack.title).toBe(title);
    const { response } = await content(workshop, pack.id);
    expect(response.headers.get('set-cookie')).toBeNull();
    const names = fileNames(response.headers.get('content-disposition'));
    expect(names.ascii).toMatch(/^[A-Za-z0-9._-]+\.md$/);
    expect(names.exact).toBe(`${title}.md`);
  });

  it('a title with no ASCII letters still gets an ASCII file name', async () => {
    const workshop = await createWorkshop(t);
    const pack = await createPack(t, workshop, { format: 'pdf', title: '夜勤の食事 🌙' });
    const { response } = await content(workshop, pack.id);
    const names = fileNames(response.headers.get('content-disposition'));
    expect(names.ascii).toMatch(/^[\x20-\x7e]+\.pdf$/);
    expect(names.exact).toBe('夜勤の食事 🌙.pdf');
    await response.arrayBuffer();
  });

  it('an ASCII title keeps a readable ASCII file name', async () => {
    const workshop = await createWorkshop(t);
    const pack = await createPack(t, workshop, { format: 'markdown', title: 'Night shift meals v2' });
    const { response } = await content(workshop, pack.id);
    const names = fileNames(response.headers.get('content-disposition'));
    expect(names.ascii).toBe('Night-shift-meals-v2.md');
    expect(names.exact).toBe('Night shift meals v2.md');
  });

  it('json → application/json, a BuildPackDocument (schemaVersion 1) with the current outputs', async () => {
    const workshop = await createWorkshop(t, { title: 'JSON pack' });
    await writeOutput(workshop, 'challenge', { statement: 'Nurses skip meals', tags: ['night', 'food'] });
    expect((await completeStep(t, workshop, 'challenge')).status).toBe(200);
    await writeOutput(workshop, 'stakeholder-mapping', { draft: { people: 3, ok: true, note: null } });
    const pack = await createPack(t, workshop, { format: 'json' });

    const { response } = await content(workshop, pack.id);
    expect(response.headers.get('content-type')).toMatch(/^application\/json(;|$)/);
    expect(fileNames(response.headers.get('content-disposition')).exact).toBe('JSON pack — build pack.json');
    const document = buildPackDocumentSchema.parse(JSON.parse(await response.text()));

    expect(document.schemaVersion).toBe(1);
    expect(document.pack).toMatchObject({ id: pack.id, title: pack.title, format: 'json' });
    expect(document.pack.createdAt).toBe(pack.createdAt);
    expect(document.workshop).toMatchObject({ id: workshop.id, title: 'JSON pack' });
    expect(document.progress).toEqual({ completed: 1, total: 10 });
    expect(document.steps.map((step) => [step.id, step.name])).toEqual(
      STEPS.map((step) => [step.id, step.name]),
    );
    const records = await stepRecords(t, workshop.id);
    expect(document.steps.map((step) => step.output)).toEqual(records.map((record) => record.output));
    expect(document.steps.map((step) => step.status)).toEqual(records.map((record) => record.status));
    expect(document.steps[0]?.output).toEqual({ statement: 'Nurses skip meals', tags: ['night', 'food'] });
    expect(document.steps[1]?.output).toEqual({ draft: { people: 3, ok: true, note: null } });
  });

  it('pdf → application/pdf, %PDF- bytes whose text names every step', async () => {
    const workshop = await createWorkshop(t, { title: 'PDF pack' });
    await writeOutput(workshop, 'challenge', { statement: 'Quillfeather marker' });
    const pack = await createPack(t, workshop, { format: 'pdf' });

    const { response } = await content(workshop, pack.id);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(fileNames(response.headers.get('content-disposition')).exact).toBe('PDF pack — build pack.pdf');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(new TextDecoder('latin1').decode(bytes.subarray(0, 5))).toBe('%PDF-');
    const text = flatten((await readPdf(bytes)).pages.join('\n'));
    for (const step of STEPS) expect(text).toContain(step.name);
    expect(text).toContain('Quillfeather marker');
  });

  it('a viewer may read the content; a non-member gets the 404 of an unknown pack', async () => {
    const workshop = await createWorkshop(t);
    const viewer = await addMember(t, workshop, 'viewer');
    const pack = await createPack(t, workshop, { format: 'markdown' });
    await content(workshop, pack.id, viewer);
    const hidden = await expectProblem(
      await getContent(t, workshop, pack.id, { headers: await stranger(t) }),
      404,
      'not_found',
    );
    const unknown = await expectProblem(await getContent(t, workshop, UNKNOWN_PACK_ID), 404, 'not_found');
    expect(comparable(hidden)).toEqual(comparable(unknown));
  });
});

describe('content is rendered now from the current outputs, not a snapshot', () => {
  it('markdown: an output changed after the pack was created shows, the old one does not', async () => {
    const workshop = await createWorkshop(t);
    await writeOutput(workshop, 'challenge', { statement: 'Amberwolf original' });
    const pack = await createPack(t, workshop, { format: 'markdown' });
    expect(await contentText(workshop, pack.id)).toContain('Amberwolf original');

    await writeOutput(workshop, 'challenge', { statement: 'Cobaltheron revised' });
    const text = await contentText(workshop, pack.id);
    expect(text).toContain('Cobaltheron revised');
    expect(text).not.toContain('Amberwolf original');
  });

  it('json: the document carries the new output', async () => {
    const workshop = await createWorkshop(t);
    await writeOutput(workshop, 'challenge', { statement: 'first' });
    const pack = await createPack(t, workshop, { format: 'json' });
    await writeOutput(workshop, 'challenge', { statement: 'second', extra: [1, 2, 3] });
    const document = buildPackDocumentSchema.parse(JSON.parse(await contentText(workshop, pack.id)));
    expect(document.steps[0]?.output).toEqual({ statement: 'second', extra: [1, 2, 3] });
  });

  it('pdf: the text carries the new output', async () => {
    const workshop = await createWorkshop(t);
    await writeOutput(workshop, 'challenge', { statement: 'Saffronmoth original' });
    const pack = await createPack(t, workshop, { format: 'pdf' });
    await writeOutput(workshop, 'challenge', { statement: 'Indigofinch revised' });
    const { response } = await content(workshop, pack.id);
    const text = flatten((await readPdf(new Uint8Array(await response.arrayBuffer()))).pages.join('\n'));
    expect(text).toContain('Indigofinch revised');
    expect(text).not.toContain('Saffronmoth original');
  });

  it('the workshop title shows as it is now', async () => {
    const workshop = await createWorkshop(t, { title: 'Before rename' });
    const pack = await createPack(t, workshop, { format: 'json', title: 'Fixed pack title' });
    await patchTitle(workshop, 'After rename');
    const document = buildPackDocumentSchema.parse(JSON.parse(await contentText(workshop, pack.id)));
    expect(document.workshop.title).toBe('After rename');
    expect(document.pack.title).toBe('Fixed pack title');
  });
});

describe('ETag on the content', () => {
  it.each(FORMATS)('%s: If-None-Match with the current tag → 304, no body, the same ETag', async (format) => {
    const workshop = await createWorkshop(t);
    const pack = await createPack(t, workshop, { format });
    const { response, etag } = await content(workshop, pack.id);
    await response.arrayBuffer();

    const cached = await getContent(t, workshop, pack.id, { extra: { 'If-None-Match': etag } });
    expect(cached.status).toBe(304);
    expect(await cached.text()).toBe('');
    expect(cached.headers.get('etag')).toBe(etag);

    const weak = await getContent(t, workshop, pack.id, { extra: { 'If-None-Match': `"other", W/${etag}` } });
    expect(weak.status).toBe(304);
    expect(await weak.text()).toBe('');
  });

  it('does not change between reads when nothing changed (reads of other routes in between)', async () => {
    const workshop = await createWorkshop(t);
    await writeOutput(workshop, 'challenge', { statement: 'steady' });
    const pack = await createPack(t, workshop, { format: 'markdown' });
    const first = await content(workshop, pack.id);
    const firstBody = await first.response.text();

    expect((await t.request(`/api/workshops/${workshop.id}`, { headers: workshop.headers })).status).toBe(
      200,
    );
    expect((await getPacks(t, workshop)).status).toBe(200);
    expect((await getPack(t, workshop, pack.id)).status).toBe(200);

    const second = await content(workshop, pack.id);
    expect(second.etag).toBe(first.etag);
    expect(await second.response.text()).toBe(firstBody);
  });

  it.each(FORMATS)(
    '%s: the same tag twice means the same bytes twice (a strong validator)',
    async (format) => {
      const workshop = await createWorkshop(t, { title: 'Byte for byte' });
      await writeOutput(workshop, 'challenge', { statement: 'Deterministic', list: ['a', 'b'] });
      const pack = await createPack(t, workshop, { format });
      const first = await content(workshop, pack.id);
      const firstBytes = new Uint8Array(await first.response.arrayBuffer());
      const second = await content(workshop, pack.id);
      const secondBytes = new Uint8Array(await second.response.arrayBuffer());
      expect(second.etag).toBe(first.etag);
      expect(Buffer.from(secondBytes).equals(Buffer.from(firstBytes))).toBe(true);
    },
  );

  it('changes exactly when an output changes, and the old tag no longer matches', async () => {
    const workshop = await createWorkshop(t);
    const pack = await createPack(t, workshop, { format: 'markdown' });
    const before = (await content(workshop, pack.id)).etag;

    await writeOutput(workshop, 'challenge', { interviews: 5 });
    const after = (await content(workshop, pack.id)).etag;
    expect(after).not.toBe(before);
    expect((await content(workshop, pack.id)).etag).toBe(after);

    const stale = await getContent(t, workshop, pack.id, { extra: { 'If-None-Match': before } });
    expect(stale.status).toBe(200);
    expect(etagOf(stale)).toBe(after);
    expect(await stale.text()).toContain('5');

    await writeOutput(workshop, 'challenge', { interviews: 6 });
    const again = (await content(workshop, pack.id)).etag;
    expect(again).not.toBe(after);
    expect(again).not.toBe(before);
  });

  it('changes when the workshop changes (original idea PATCH)', async () => {
    const workshop = await createWorkshop(t, { title: 'Idea pack' });
    const pack = await createPack(t, workshop, { format: 'markdown' });
    const before = (await content(workshop, pack.id)).etag;
    const response = await t.request(`/api/workshops/${workshop.id}`, {
      method: 'PATCH',
      ...jsonBody({ originalIdea: 'Breakfasts for bakers' }, workshop.headers),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const after = await content(workshop, pack.id);
    expect(after.etag).not.toBe(before);
    expect(await after.response.text()).toContain('Breakfasts for bakers');
  });

  it('changes when the workshop changes (title PATCH)', async () => {
    const workshop = await createWorkshop(t, { title: 'Original title' });
    const pack = await createPack(t, workshop, { format: 'json', title: 'Pinned' });
    const before = (await content(workshop, pack.id)).etag;
    await patchTitle(workshop, 'Renamed title');
    const after = (await content(workshop, pack.id)).etag;
    expect(after).not.toBe(before);
    expect((await getContent(t, workshop, pack.id, { extra: { 'If-None-Match': before } })).status).toBe(200);
  });

  it('changes when the pack changes: two packs of one workshop and format differ; a pack row update moves it', async () => {
    const workshop = await createWorkshop(t);
    const one = await createPack(t, workshop, { format: 'markdown', title: 'Same title' });
    const two = await createPack(t, workshop, { format: 'markdown', title: 'Same title' });
    const first = (await content(workshop, one.id)).etag;
    const second = (await content(workshop, two.id)).etag;
    expect(first).not.toBe(second);
    expect((await getContent(t, workshop, two.id, { extra: { 'If-None-Match': first } })).status).toBe(200);

    // No route changes a pack today; the database does it here (the trigger moves updated_at too).
    await t.database.sql.query('update build_packs set title = $1 where id = $2', ['Retitled', one.id]);
    const retitled = await content(workshop, one.id);
    expect(retitled.etag).not.toBe(first);
    expect(fileNames(retitled.response.headers.get('content-disposition')).exact).toBe('Retitled.md');
  });

  it('does not change when another workshop or another pack changes', async () => {
    const workshop = await createWorkshop(t);
    const other = await createWorkshop(t, { owner: workshop.owner });
    const pack = await createPack(t, workshop, { format: 'markdown' });
    const sibling = await createPack(t, workshop, { format: 'json' });
    const before = (await content(workshop, pack.id)).etag;

    await writeOutput(other, 'challenge', { statement: 'elsewhere' });
    await patchTitle(other, 'Other renamed');
    expect((await deletePack(t, workshop, sibling.id)).status).toBe(204);
    await createPack(t, workshop, { format: 'pdf' });

    const cached = await getContent(t, workshop, pack.id, { extra: { 'If-None-Match': before } });
    expect(cached.status).toBe(304);
  });
});

describe('hard delete of the workshop', () => {
  it('removes its build_packs rows; every pack route then answers 404', async () => {
    const workshop = await createWorkshop(t);
    const packs = [
      await createPack(t, workshop, { format: 'markdown' }),
      await createPack(t, workshop, { format: 'pdf' }),
    ];
    const other = await createWorkshop(t, { owner: workshop.owner });
    const survivor = await createPack(t, other, { format: 'json' });
    expect(await packRecords(t, workshop.id)).toHaveLength(2);

    const deleted = await t.request(`/api/workshops/${workshop.id}?confirm=true`, {
      method: 'DELETE',
      headers: workshop.headers,
    });
    expect(deleted.status, await deleted.clone().text()).toBe(204);

    expect(await packRecords(t, workshop.id)).toEqual([]);
    for (const pack of packs) expect(await packRecord(t, pack.id)).toBeUndefined();
    expect((await packRecord(t, survivor.id))?.workshop_id).toBe(other.id);

    await expectProblem(await getPacks(t, workshop), 404, 'not_found');
    await expectProblem(await postPack(t, workshop, { format: 'markdown' }), 404, 'not_found');
    for (const pack of packs) {
      await expectProblem(await getPack(t, workshop, pack.id), 404, 'not_found');
      await expectProblem(await getContent(t, workshop, pack.id), 404, 'not_found');
      await expectProblem(await deletePack(t, workshop, pack.id), 404, 'not_found');
    }
    expect(await packRecords(t, workshop.id)).toEqual([]);
  });
});

describe('one database round trip per request', () => {
  let workshop: Workshop;
  let packs: Record<PackFormat, PackBody>;

  beforeAll(async () => {
    workshop = await createWorkshop(t);
    await writeOutput(workshop, 'challenge', { statement: 'Round trips' });
    packs = {
      markdown: await createPack(t, workshop, { format: 'markdown' }),
      json: await createPack(t, workshop, { format: 'json' }),
      pdf: await createPack(t, workshop, { format: 'pdf' }),
    };
  });

  async function roundTrips(send: () => Promise<Response>, status: number): Promise<number> {
    const { result, roundTrips: count } = await t.countRoundTrips(async () => {
      const response = await send();
      await response.arrayBuffer();
      return response;
    });
    expect(result.status).toBe(status);
    return count;
  }

  it('POST …/build-packs', async () => {
    expect(await roundTrips(() => postPack(t, workshop, { format: 'markdown' }), 201)).toBe(1);
  });

  it('POST …/build-packs with an Idempotency-Key, first and replayed', async () => {
    const send = () =>
      postPack(t, workshop, { format: 'json' }, { extra: { 'Idempotency-Key': 'routes-round-trips' } });
    expect(await roundTrips(send, 201)).toBe(1);
    expect(await roundTrips(send, 201)).toBe(1);
  });

  it('POST …/build-packs refused (viewer 403, non-member 404)', async () => {
    const viewer = await addMember(t, workshop, 'viewer');
    expect(await roundTrips(() => postPack(t, workshop, { format: 'pdf' }, { headers: viewer }), 403)).toBe(
      1,
    );
    const outsider = await t.as(newUser('outsider'));
    expect(await roundTrips(() => postPack(t, workshop, { format: 'pdf' }, { headers: outsider }), 404)).toBe(
      1,
    );
  });

  it('GET …/build-packs', async () => {
    expect(await roundTrips(() => getPacks(t, workshop), 200)).toBe(1);
  });

  it('GET …/build-packs/{packId}', async () => {
    expect(await roundTrips(() => getPack(t, workshop, packs.markdown.id), 200)).toBe(1);
  });

  it.each(FORMATS)('GET …/build-packs/{packId}/content (%s), and its 304', async (format) => {
    const pack = packs[format];
    expect(await roundTrips(() => getContent(t, workshop, pack.id), 200)).toBe(1);
    const etag = etagOf(await getContent(t, workshop, pack.id));
    expect(
      await roundTrips(() => getContent(t, workshop, pack.id, { extra: { 'If-None-Match': etag } }), 304),
    ).toBe(1);
  });

  it('DELETE …/build-packs/{packId}', async () => {
    const pack = await createPack(t, workshop, { format: 'markdown' });
    expect(await roundTrips(() => deletePack(t, workshop, pack.id), 204)).toBe(1);
    expect(await roundTrips(() => deletePack(t, workshop, pack.id), 404)).toBe(1);
  });
});
