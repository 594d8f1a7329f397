/**
 * A PDF build pack of the largest, least breakable text a user can save: the server keeps answering
 * other requests while it renders, and a pack too long for the PDF page limit is refused with a
 * problem, never cut short.
 */
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { PDFDocument } from 'pdf-lib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_LAYOUT_WORK, MAX_PDF_PAGES } from '../../src/build-pack/pdf-page-flow';
import { completeStep, createWorkshop, putOutput, STEP_IDS, type Workshop } from '../steps/support';
import { expectProblem } from '../support/problem';
import { createTestApp, type TestApp } from '../support/test-app';
import { createPack, packPath } from './support';

let t: TestApp;
let server: ServerType | undefined;
let baseUrl: string;

beforeAll(async () => {
  t = await createTestApp();
  const env = t.env;
  baseUrl = await new Promise<string>((ready) => {
    server = serve(
      { fetch: (request) => t.app.fetch(request, env), hostname: '127.0.0.1', port: 0 },
      (info) => ready(`http://127.0.0.1:${(info as AddressInfo).port}`),
    );
  });
});

afterAll(async () => {
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  await t?.close();
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Saves one output per step, completing each so the next becomes available. */
async function workshopWithOutputs(outputs: readonly Record<string, unknown>[]): Promise<Workshop> {
  const workshop = await createWorkshop(t);
  for (const [index, output] of outputs.entries()) {
    const stepId = STEP_IDS[index] ?? '';
    expect((await putOutput(t, workshop, stepId, output)).status).toBe(200);
    if (index < outputs.length - 1) expect((await completeStep(t, workshop, stepId)).status).toBe(200);
  }
  return workshop;
}

describe('rendering a PDF of hostile size', () => {
  it('keeps /api/health/live answering while a 250,000-character word renders', async () => {
    const workshop = await workshopWithOutputs([{ w: 'W'.repeat(250_000) }]);
    const pack = await createPack(t, workshop, { format: 'pdf' });
    const events: string[] = [];
    let live: Promise<Response> | undefined;
    // Both spies call through: they only note when the render lays out its first page and when,
    // with every page laid out, it starts writing the file.
    const addPage = PDFDocument.prototype.addPage;
    vi.spyOn(PDFDocument.prototype, 'addPage').mockImplementation(function (this: PDFDocument, ...args) {
      if (!live) {
        events.push('layout started');
        live = fetch(`${baseUrl}/api/health/live`).then((response) => {
          events.push('live answered');
          return response;
        });
      }
      return addPage.apply(this, args);
    });
    const save = PDFDocument.prototype.save;
    vi.spyOn(PDFDocument.prototype, 'save').mockImplementation(function (this: PDFDocument, ...args) {
      events.push('layout finished');
      return save.apply(this, args);
    });

    const content = await fetch(`${baseUrl}${packPath(workshop.id, pack.id, '/content')}`, {
      headers: workshop.headers,
    });
    events.push('pdf answered');

    expect(content.status).toBe(200);
    expect(new TextDecoder().decode((await content.arrayBuffer()).slice(0, 5))).toBe('%PDF-');
    expect((await live)?.status).toBe(200);
    expect(events).toEqual(['layout started', 'live answered', 'layout finished', 'pdf answered']);
  }, 600_000);

  it(`refuses a pack that needs more than ${MAX_PDF_PAGES} pages with a problem, and keeps rendering others`, async () => {
    const workshop = await workshopWithOutputs([{ lines: 'x\n'.repeat(60_000) }]);
    const pack = await createPack(t, workshop, { format: 'pdf' });
    const path = packPath(workshop.id, pack.id, '/content');

    const refused = await fetch(`${baseUrl}${path}`, { headers: workshop.headers });
    const problem = await expectProblem(refused, 422, 'pack_too_large_to_render');
    expect(problem.maxPages).toBe(MAX_PDF_PAGES);
    expect(refused.headers.get('content-disposition')).toBeNull();
    expect(refused.headers.get('etag')).toBeNull();

    // The same input is refused again from memory, without laying out 300 pages a second time.
    const create = vi.spyOn(PDFDocument, 'create');
    try {
      await expectProblem(
        await fetch(`${baseUrl}${path}`, { headers: workshop.headers }),
        422,
        'pack_too_large_to_render',
      );
      expect(create).not.toHaveBeenCalled();
    } finally {
      create.mockRestore();
    }

    const markdown = await createPack(t, workshop, { format: 'markdown' });
    const whole = await fetch(`${baseUrl}${packPath(workshop.id, markdown.id, '/content')}`, {
      headers: workshop.headers,
    });
    expect(whole.status).toBe(200);
    expect((await whole.text()).match(/^x\\?$/gm)).toHaveLength(60_000);
  }, 600_000);

  it('refuses text that changes writing direction at every character before it costs more than its limit', async () => {
    const workshop = await workshopWithOutputs([{ mixed: 'aש'.repeat(60_000) }]);
    const pack = await createPack(t, workshop, { format: 'pdf' });

    const refused = await fetch(`${baseUrl}${packPath(workshop.id, pack.id, '/content')}`, {
      headers: workshop.headers,
    });
    const problem = await expectProblem(refused, 422, 'pack_too_large_to_render');
    expect(problem).toMatchObject({ maxPages: MAX_PDF_PAGES, maxLayoutWork: MAX_LAYOUT_WORK });
  }, 600_000);
});
