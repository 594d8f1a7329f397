/**
 * A build pack's content, rendered now from the current outputs in every format, with its headers
 * (Content-Type, Content-Disposition) and an ETag that follows what the bytes depend on.
 */
import { describe, expect, it } from 'vitest';
import { BuildPackDocumentSchema } from '../../src/schemas/build-pack-document';
import { flatten, readPdf } from '../build-pack/pdf-text';
import {
  addMember,
  comparable,
  completeStep,
  createWorkshop,
  type Headers,
  STEPS,
  stepRecords,
  stranger,
  type Workshop,
} from '../steps/support';
import { expectProblem } from '../support/problem';
import { jsonBody, useTestApp } from '../support/test-app';
import {
  createPack,
  deletePack,
  etagOf,
  FORMATS,
  fileNames,
  getContent,
  getPack,
  getPacks,
  UNKNOWN_PACK_ID,
  writeOutput,
} from './support';

const t = useTestApp();

async function patchTitle(workshop: Workshop, title: string) {
  const response = await t().request(`/api/workshops/${workshop.id}`, {
    method: 'PATCH',
    ...jsonBody({ title }, workshop.headers),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

/** Reads the content with a 200, returning the response (body unread) and its ETag. */
async function content(workshop: Workshop, packId: string, headers?: Headers) {
  const response = await getContent(t(), workshop, packId, headers ? { headers } : {});
  expect(response.status, response.status === 200 ? '' : await response.clone().text()).toBe(200);
  return { response, etag: etagOf(response) };
}

async function contentText(workshop: Workshop, packId: string): Promise<string> {
  return (await content(workshop, packId)).response.text();
}

describe('GET …/build-packs/{packId}/content', () => {
  it('markdown → text/markdown; charset=utf-8, an attachment named after the (Unicode) title', async () => {
    const title = 'Mahlzeiten für Nachtschichten — 夜勤 🌙';
    const workshop = await createWorkshop(t(), { title });
    const pack = await createPack(t(), workshop, { format: 'markdown' });
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
    const workshop = await createWorkshop(t());
    const title = 'Say "hi"; then\\leave\r\nSet-Cookie: x=1 (100%) it\'s *';
    const pack = await createPack(t(), workshop, { format: 'markdown', title });
    expect(pack.title).toBe(title);
    const { response } = await content(workshop, pack.id);
    expect(response.headers.get('set-cookie')).toBeNull();
    const names = fileNames(response.headers.get('content-disposition'));
    expect(names.ascii).toMatch(/^[A-Za-z0-9._-]+\.md$/);
    expect(names.exact).toBe(`${title}.md`);
  });

  it('a title with no ASCII letters still gets an ASCII file name', async () => {
    const workshop = await createWorkshop(t());
    const pack = await createPack(t(), workshop, { format: 'pdf', title: '夜勤の食事 🌙' });
    const { response } = await content(workshop, pack.id);
    const names = fileNames(response.headers.get('content-disposition'));
    expect(names.ascii).toMatch(/^[\x20-\x7e]+\.pdf$/);
    expect(names.exact).toBe('夜勤の食事 🌙.pdf');
    await response.arrayBuffer();
  });

  it('an ASCII title keeps a readable ASCII file name', async () => {
    const workshop = await createWorkshop(t());
    const pack = await createPack(t(), workshop, { format: 'markdown', title: 'Night shift meals v2' });
    const { response } = await content(workshop, pack.id);
    const names = fileNames(response.headers.get('content-disposition'));
    expect(names.ascii).toBe('Night-shift-meals-v2.md');
    expect(names.exact).toBe('Night shift meals v2.md');
  });

  it('json → application/json, a BuildPackDocument (schemaVersion 1) with the current outputs', async () => {
    const workshop = await createWorkshop(t(), { title: 'JSON pack' });
    await writeOutput(t(), workshop, 'challenge', {
      statement: 'Nurses skip meals',
      tags: ['night', 'food'],
    });
    expect((await completeStep(t(), workshop, 'challenge')).status).toBe(200);
    await writeOutput(t(), workshop, 'stakeholder-mapping', { draft: { people: 3, ok: true, note: null } });
    const pack = await createPack(t(), workshop, { format: 'json' });

    const { response } = await content(workshop, pack.id);
    expect(response.headers.get('content-type')).toMatch(/^application\/json(;|$)/);
    expect(fileNames(response.headers.get('content-disposition')).exact).toBe('JSON pack — build pack.json');
    const document = BuildPackDocumentSchema.parse(JSON.parse(await response.text()));

    expect(document.schemaVersion).toBe(1);
    expect(document.pack).toMatchObject({ id: pack.id, title: pack.title, format: 'json' });
    expect(document.pack.createdAt).toBe(pack.createdAt);
    expect(document.workshop).toMatchObject({ id: workshop.id, title: 'JSON pack' });
    expect(document.progress).toEqual({ completed: 1, total: 10 });
    expect(document.steps.map((step) => [step.id, step.name])).toEqual(
      STEPS.map((step) => [step.id, step.name]),
    );
    const records = await stepRecords(t(), workshop.id);
    expect(document.steps.map((step) => step.output)).toEqual(records.map((record) => record.output));
    expect(document.steps.map((step) => step.status)).toEqual(records.map((record) => record.status));
    expect(document.steps[0]?.output).toEqual({ statement: 'Nurses skip meals', tags: ['night', 'food'] });
    expect(document.steps[1]?.output).toEqual({ draft: { people: 3, ok: true, note: null } });
  });

  it('pdf → application/pdf, %PDF- bytes whose text names every step', async () => {
    const workshop = await createWorkshop(t(), { title: 'PDF pack' });
    await writeOutput(t(), workshop, 'challenge', { statement: 'Quillfeather marker' });
    const pack = await createPack(t(), workshop, { format: 'pdf' });

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
    const workshop = await createWorkshop(t());
    const viewer = await addMember(t(), workshop, 'viewer');
    const pack = await createPack(t(), workshop, { format: 'markdown' });
    await content(workshop, pack.id, viewer);
    const hidden = await expectProblem(
      await getContent(t(), workshop, pack.id, { headers: await stranger(t()) }),
      404,
      'not_found',
    );
    const unknown = await expectProblem(await getContent(t(), workshop, UNKNOWN_PACK_ID), 404, 'not_found');
    expect(comparable(hidden)).toEqual(comparable(unknown));
  });
});

describe('progress in the content', () => {
  it('is the progress the workshop answers with, skipped steps counted and named in every format', async () => {
    const workshop = await createWorkshop(t());
    for (const [stepId, body] of [
      ['challenge', { by: 'ai' }],
      ['stakeholder-mapping', { by: 'user', confirm: true }],
    ] as const) {
      const response = await completeStep(t(), workshop, stepId, body);
      expect(response.status, await response.clone().text()).toBe(200);
    }
    const detail = (await (
      await t().request(`/api/workshops/${workshop.id}`, { headers: workshop.headers })
    ).json()) as { progress: unknown };
    expect(detail.progress).toEqual({ completed: 2, total: 10 });

    const json = await createPack(t(), workshop, { format: 'json' });
    const document = BuildPackDocumentSchema.parse(JSON.parse(await contentText(workshop, json.id)));
    expect(document.progress).toEqual(detail.progress);

    const markdown = await createPack(t(), workshop, { format: 'markdown' });
    expect(await contentText(workshop, markdown.id)).toContain(
      '2 of 10 steps complete (1 skipped by the user)',
    );

    const pdf = await createPack(t(), workshop, { format: 'pdf' });
    const { response } = await content(workshop, pdf.id);
    const text = flatten((await readPdf(new Uint8Array(await response.arrayBuffer()))).pages.join('\n'));
    expect(text).toContain('2 of 10 steps complete (1 skipped by the user)');
  });
});

describe('content is rendered now from the current outputs, not a snapshot', () => {
  it('markdown: an output changed after the pack was created shows, the old one does not', async () => {
    const workshop = await createWorkshop(t());
    await writeOutput(t(), workshop, 'challenge', { statement: 'Amberwolf original' });
    const pack = await createPack(t(), workshop, { format: 'markdown' });
    expect(await contentText(workshop, pack.id)).toContain('Amberwolf original');

    await writeOutput(t(), workshop, 'challenge', { statement: 'Cobaltheron revised' });
    const text = await contentText(workshop, pack.id);
    expect(text).toContain('Cobaltheron revised');
    expect(text).not.toContain('Amberwolf original');
  });

  it('json: the document carries the new output', async () => {
    const workshop = await createWorkshop(t());
    await writeOutput(t(), workshop, 'challenge', { statement: 'first' });
    const pack = await createPack(t(), workshop, { format: 'json' });
    await writeOutput(t(), workshop, 'challenge', { statement: 'second', extra: [1, 2, 3] });
    const document = BuildPackDocumentSchema.parse(JSON.parse(await contentText(workshop, pack.id)));
    expect(document.steps[0]?.output).toEqual({ statement: 'second', extra: [1, 2, 3] });
  });

  it('pdf: the text carries the new output', async () => {
    const workshop = await createWorkshop(t());
    await writeOutput(t(), workshop, 'challenge', { statement: 'Saffronmoth original' });
    const pack = await createPack(t(), workshop, { format: 'pdf' });
    await writeOutput(t(), workshop, 'challenge', { statement: 'Indigofinch revised' });
    const { response } = await content(workshop, pack.id);
    const text = flatten((await readPdf(new Uint8Array(await response.arrayBuffer()))).pages.join('\n'));
    expect(text).toContain('Indigofinch revised');
    expect(text).not.toContain('Saffronmoth original');
  });

  it('the workshop title shows as it is now', async () => {
    const workshop = await createWorkshop(t(), { title: 'Before rename' });
    const pack = await createPack(t(), workshop, { format: 'json', title: 'Fixed pack title' });
    await patchTitle(workshop, 'After rename');
    const document = BuildPackDocumentSchema.parse(JSON.parse(await contentText(workshop, pack.id)));
    expect(document.workshop.title).toBe('After rename');
    expect(document.pack.title).toBe('Fixed pack title');
  });
});

describe('ETag on the content', () => {
  it.each(FORMATS)('%s: If-None-Match with the current tag → 304, no body, the same ETag', async (format) => {
    const workshop = await createWorkshop(t());
    const pack = await createPack(t(), workshop, { format });
    const { response, etag } = await content(workshop, pack.id);
    await response.arrayBuffer();

    const cached = await getContent(t(), workshop, pack.id, { extra: { 'If-None-Match': etag } });
    expect(cached.status).toBe(304);
    expect(await cached.text()).toBe('');
    expect(cached.headers.get('etag')).toBe(etag);

    const weak = await getContent(t(), workshop, pack.id, {
      extra: { 'If-None-Match': `"other", W/${etag}` },
    });
    expect(weak.status).toBe(304);
    expect(await weak.text()).toBe('');
  });

  it('does not change between reads when nothing changed (reads of other routes in between)', async () => {
    const workshop = await createWorkshop(t());
    await writeOutput(t(), workshop, 'challenge', { statement: 'steady' });
    const pack = await createPack(t(), workshop, { format: 'markdown' });
    const first = await content(workshop, pack.id);
    const firstBody = await first.response.text();

    expect((await t().request(`/api/workshops/${workshop.id}`, { headers: workshop.headers })).status).toBe(
      200,
    );
    expect((await getPacks(t(), workshop)).status).toBe(200);
    expect((await getPack(t(), workshop, pack.id)).status).toBe(200);

    const second = await content(workshop, pack.id);
    expect(second.etag).toBe(first.etag);
    expect(await second.response.text()).toBe(firstBody);
  });

  it.each(FORMATS)(
    '%s: the same tag twice means the same bytes twice (a strong validator)',
    async (format) => {
      const workshop = await createWorkshop(t(), { title: 'Byte for byte' });
      await writeOutput(t(), workshop, 'challenge', { statement: 'Deterministic', list: ['a', 'b'] });
      const pack = await createPack(t(), workshop, { format });
      const first = await content(workshop, pack.id);
      const firstBytes = new Uint8Array(await first.response.arrayBuffer());
      const second = await content(workshop, pack.id);
      const secondBytes = new Uint8Array(await second.response.arrayBuffer());
      expect(second.etag).toBe(first.etag);
      expect(Buffer.from(secondBytes).equals(Buffer.from(firstBytes))).toBe(true);
    },
  );

  it('changes exactly when an output changes, and the old tag no longer matches', async () => {
    const workshop = await createWorkshop(t());
    const pack = await createPack(t(), workshop, { format: 'markdown' });
    const before = (await content(workshop, pack.id)).etag;

    await writeOutput(t(), workshop, 'challenge', { interviews: 5 });
    const after = (await content(workshop, pack.id)).etag;
    expect(after).not.toBe(before);
    expect((await content(workshop, pack.id)).etag).toBe(after);

    const stale = await getContent(t(), workshop, pack.id, { extra: { 'If-None-Match': before } });
    expect(stale.status).toBe(200);
    expect(etagOf(stale)).toBe(after);
    expect(await stale.text()).toContain('5');

    await writeOutput(t(), workshop, 'challenge', { interviews: 6 });
    const again = (await content(workshop, pack.id)).etag;
    expect(again).not.toBe(after);
    expect(again).not.toBe(before);
  });

  it('changes when the workshop changes (original idea PATCH)', async () => {
    const workshop = await createWorkshop(t(), { title: 'Idea pack' });
    const pack = await createPack(t(), workshop, { format: 'markdown' });
    const before = (await content(workshop, pack.id)).etag;
    const response = await t().request(`/api/workshops/${workshop.id}`, {
      method: 'PATCH',
      ...jsonBody({ originalIdea: 'Breakfasts for bakers' }, workshop.headers),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const after = await content(workshop, pack.id);
    expect(after.etag).not.toBe(before);
    expect(await after.response.text()).toContain('Breakfasts for bakers');
  });

  it('changes when the workshop changes (title PATCH)', async () => {
    const workshop = await createWorkshop(t(), { title: 'Original title' });
    const pack = await createPack(t(), workshop, { format: 'json', title: 'Pinned' });
    const before = (await content(workshop, pack.id)).etag;
    await patchTitle(workshop, 'Renamed title');
    const after = (await content(workshop, pack.id)).etag;
    expect(after).not.toBe(before);
    expect((await getContent(t(), workshop, pack.id, { extra: { 'If-None-Match': before } })).status).toBe(
      200,
    );
  });

  it('changes when the pack changes: two packs of one workshop and format differ; a pack row update moves it', async () => {
    const workshop = await createWorkshop(t());
    const one = await createPack(t(), workshop, { format: 'markdown', title: 'Same title' });
    const two = await createPack(t(), workshop, { format: 'markdown', title: 'Same title' });
    const first = (await content(workshop, one.id)).etag;
    const second = (await content(workshop, two.id)).etag;
    expect(first).not.toBe(second);
    expect((await getContent(t(), workshop, two.id, { extra: { 'If-None-Match': first } })).status).toBe(200);

    // No route changes a pack today; the database does it here (the trigger moves updated_at too).
    await t().database.sql.query('update build_packs set title = $1 where id = $2', ['Retitled', one.id]);
    const retitled = await content(workshop, one.id);
    expect(retitled.etag).not.toBe(first);
    expect(fileNames(retitled.response.headers.get('content-disposition')).exact).toBe('Retitled.md');
  });

  it('does not change when another workshop or another pack changes', async () => {
    const workshop = await createWorkshop(t());
    const other = await createWorkshop(t(), { owner: workshop.owner });
    const pack = await createPack(t(), workshop, { format: 'markdown' });
    const sibling = await createPack(t(), workshop, { format: 'json' });
    const before = (await content(workshop, pack.id)).etag;

    await writeOutput(t(), other, 'challenge', { statement: 'elsewhere' });
    await patchTitle(other, 'Other renamed');
    expect((await deletePack(t(), workshop, sibling.id)).status).toBe(204);
    await createPack(t(), workshop, { format: 'pdf' });

    const cached = await getContent(t(), workshop, pack.id, { extra: { 'If-None-Match': before } });
    expect(cached.status).toBe(304);
  });
});
