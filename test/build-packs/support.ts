import { expect } from 'vitest';
import type { BuildPack } from '../../src/schemas/build-packs';
import { type Headers, putOutput, type Workshop } from '../steps/support';
import { jsonBody, type TestApp } from '../support/test-app';

export type PackFormat = 'markdown' | 'json' | 'pdf';

export const FORMATS: readonly PackFormat[] = ['markdown', 'json', 'pdf'];

/** A build pack as the API answers it. */
export type PackBody = BuildPack;

/** `build_packs` as the database holds it. */
export interface PackRecord {
  id: string;
  workshop_id: string;
  title: string;
  format_type: string;
  created_at: Date;
  updated_at: Date;
}

/** The shape of a pack id the server hands out (src/domain/ids.ts, `newId('buildPack')`). */
export const PACK_ID = /^bp_[a-z][a-z0-9]{23}$/;

/** A well-formed pack id that names no pack. */
export const UNKNOWN_PACK_ID = 'bp_zzzzzzzzzzzzzzzzzzzzzzzz';

export const packsPath = (workshopId: string) => `/api/workshops/${workshopId}/build-packs`;
export const packPath = (workshopId: string, packId: string, suffix = '') =>
  `${packsPath(workshopId)}/${packId}${suffix}`;

interface Options {
  headers?: Headers;
  extra?: Headers;
}

const headersOf = (workshop: Workshop, options: Options): Headers => ({
  ...(options.headers ?? workshop.headers),
  ...options.extra,
});

export function postPack(
  t: TestApp,
  workshop: Workshop,
  body: unknown,
  options: Options = {},
): Promise<Response> {
  return t.request(packsPath(workshop.id), {
    method: 'POST',
    ...jsonBody(body, headersOf(workshop, options)),
  });
}

export function getPacks(t: TestApp, workshop: Workshop, options: Options = {}): Promise<Response> {
  return t.request(packsPath(workshop.id), { headers: headersOf(workshop, options) });
}

export function getPack(
  t: TestApp,
  workshop: Workshop,
  packId: string,
  options: Options = {},
): Promise<Response> {
  return t.request(packPath(workshop.id, packId), { headers: headersOf(workshop, options) });
}

export function getContent(
  t: TestApp,
  workshop: Workshop,
  packId: string,
  options: Options = {},
): Promise<Response> {
  return t.request(packPath(workshop.id, packId, '/content'), { headers: headersOf(workshop, options) });
}

export function deletePack(
  t: TestApp,
  workshop: Workshop,
  packId: string,
  options: Options = {},
): Promise<Response> {
  return t.request(packPath(workshop.id, packId), {
    method: 'DELETE',
    headers: headersOf(workshop, options),
  });
}

/** Creates a pack through the API, asserting the 201, and returns its body. */
export async function createPack(
  t: TestApp,
  workshop: Workshop,
  body: { format: PackFormat; title?: string },
): Promise<PackBody> {
  const response = await postPack(t, workshop, body);
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return JSON.parse(text) as PackBody;
}

export async function packRecords(t: TestApp, workshopId: string): Promise<PackRecord[]> {
  const { rows } = await t.database.sql.query<PackRecord>(
    `select id, workshop_id, title, format_type, created_at, updated_at
       from build_packs where workshop_id = $1 order by created_at, id`,
    [workshopId],
  );
  return rows;
}

export async function packRecord(t: TestApp, packId: string): Promise<PackRecord | undefined> {
  const { rows } = await t.database.sql.query<PackRecord>(
    'select id, workshop_id, title, format_type, created_at, updated_at from build_packs where id = $1',
    [packId],
  );
  return rows[0];
}

/** The two file names of a `Content-Disposition: attachment` header: the ASCII one and the decoded UTF-8 one. */
export function fileNames(header: string | null): { ascii: string; exact: string } {
  const match = /^attachment; filename="([^"]*)"; filename\*=UTF-8''([^\s;]+)$/.exec(header ?? '');
  if (!match?.[1] || !match[2]) throw new Error(`not an attachment with both file names: ${header}`);
  return { ascii: match[1], exact: decodeURIComponent(match[2]) };
}

/** The ETag of a response, asserting it is there and well-formed (a quoted strong or weak tag). */
export function etagOf(response: Response): string {
  const etag = response.headers.get('etag');
  expect(etag).toMatch(/^(W\/)?"[\x21\x23-\x7e]+"$/);
  return etag ?? '';
}

/** Saves a step output as the workshop's owner; fails the test unless it is accepted. */
export async function writeOutput(
  t: TestApp,
  workshop: Workshop,
  stepId: string,
  output: Record<string, unknown>,
): Promise<void> {
  const response = await putOutput(t, workshop, stepId, output);
  expect(response.status, await response.clone().text()).toBe(200);
}
