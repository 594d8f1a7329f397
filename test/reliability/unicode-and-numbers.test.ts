/**
 * Unicode that must round-trip byte for byte, and numbers JSON can write but not every reader can hold:
 * stored exactly or refused cleanly, never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouteFixture, fillPath, type RouteFixture, stepOutputPath } from '../support/fuzz-routes';
import { createTestApp, jsonBody, type TestApp } from '../support/test-app';
import { fingerprint, rows } from './support';

let app: TestApp;
let fixture: RouteFixture;

beforeAll(async () => {
  app = await createTestApp({ WORKSHOP_CAPS: 'pro:999999', DB_TIMEOUT_MS: '30000' });
  fixture = await createRouteFixture(app);
});

afterAll(async () => {
  await app?.close();
});

const UNICODE: readonly (readonly [string, string])[] = [
  ['emoji with ZWJ sequences, skin tones and flags', '👩‍👩‍👧‍👦 🧑🏽‍🍳 🏳️‍🌈 🇺🇦 👨🏿‍🦽‍➡️'],
  ['right-to-left Arabic with a bidi mark', 'تطبيق يخطط الوجبات\u200f حول نوبات العمل'],
  ['right-to-left Hebrew with embedded LTR', 'אפליקציה ל-iOS לתכנון ארוחות'],
  [
    'combining marks, decomposed (not normalised)',
    'Cafe\u0301 n\u0303 Z\u0324\u0354\u0367\u0311\u0313 a\u0308\u0308',
  ],
  ['precomposed, to tell apart from the decomposed', 'Café ñ ä'],
  ['astral plane and invisible characters', '𝒜𝔅𝕮 𠜎𠜱 \u{1F9EA} \u00a0\u2060\u200b\u200d end'],
];

async function dbBytes(sql: string, params: unknown[]): Promise<Buffer> {
  const [row] = await rows<{ bytes: Buffer }>(app, sql, params);
  return row?.bytes ?? Buffer.alloc(0);
}

const sameBytes = (actual: string | Buffer | undefined, expected: string) =>
  Buffer.isBuffer(actual)
    ? actual.equals(Buffer.from(expected, 'utf8'))
    : Buffer.from(actual ?? '', 'utf8').equals(Buffer.from(expected, 'utf8'));

describe('Unicode round-trips byte for byte', () => {
  it.each(UNICODE)('%s: workshop title, build pack title, step output keys and values', async (_, text) => {
    const headers = fixture.headers;
    // Workshop title (create and patch): the answer, a read, and the bytes Postgres holds.
    const created = await app.request('/api/workshops', {
      method: 'POST',
      ...jsonBody({ originalIdea: `${text}\n${text}`, title: text }, headers),
    });
    const workshop = (await created.json()) as { id: string; title: string; originalIdea: string };
    expect(sameBytes(workshop.title, text)).toBe(true);
    expect(sameBytes(workshop.originalIdea, `${text}\n${text}`)).toBe(true);
    expect(
      sameBytes(
        await dbBytes("select convert_to(title, 'UTF8') as bytes from workshops where id = $1", [
          workshop.id,
        ]),
        text,
      ),
    ).toBe(true);
    const patched = await app.request(`/api/workshops/${workshop.id}`, {
      method: 'PATCH',
      ...jsonBody({ title: `${text}·` }, headers),
    });
    expect(sameBytes(((await patched.json()) as { title: string }).title, `${text}·`)).toBe(true);

    // Build pack title.
    const pack = (await (
      await app.request(`/api/workshops/${workshop.id}/build-packs`, {
        method: 'POST',
        ...jsonBody({ format: 'json', title: text }, headers),
      })
    ).json()) as { id: string; title: string };
    expect(sameBytes(pack.title, text)).toBe(true);
    const readPack = (await (
      await app.request(`/api/workshops/${workshop.id}/build-packs/${pack.id}`, { headers })
    ).json()) as { title: string };
    expect(sameBytes(readPack.title, text)).toBe(true);
    expect(
      sameBytes(
        await dbBytes("select convert_to(title, 'UTF8') as bytes from build_packs where id = $1", [pack.id]),
        text,
      ),
    ).toBe(true);

    // Step output: as a value, as a key, nested.
    const output = { [text]: text, nested: { list: [text, { [text]: [text] }] } };
    const saved = await app.request(`/api/workshops/${workshop.id}/steps/challenge/output`, {
      method: 'PUT',
      ...jsonBody({ output }, headers),
    });
    expect(saved.status).toBe(200);
    const read = (await (
      await app.request(`/api/workshops/${workshop.id}/steps/challenge`, { headers })
    ).json()) as { output: Record<string, unknown> };
    expect(read.output).toEqual(output);
    expect(sameBytes(String(read.output[text]), text)).toBe(true);
    const [stored] = await rows<{ value: string; key_bytes: Buffer }>(
      app,
      `select output ->> $2 as value,
         (select convert_to(k, 'UTF8') from json_object_keys(output) k where k <> 'nested') as key_bytes
         from workshop_steps where workshop_id = $1 and step_id = 'challenge'`,
      [workshop.id, text],
    );
    expect(sameBytes(stored?.value, text)).toBe(true);
    expect(sameBytes(stored?.key_bytes, text)).toBe(true);
  });
});

describe('numbers at and beyond what JSON readers hold, in step outputs → stored or refused cleanly', () => {
  it.each([
    ['1e308', '1e308'],
    ['the largest double', '1.7976931348623157e308'],
    ['1e400 (Infinity to JavaScript)', '1e400'],
    ['-1e400', '-1e400'],
    ['-0', '-0'],
    ['1e-400 (underflows to 0)', '1e-400'],
    ['the smallest subnormal', '5e-324'],
    ['a 30-digit integer', '123456789012345678901234567890'],
    ['an exponent with 5 digits', '0.1e-99999'],
  ])('%s', async (_, raw) => {
    const before = await fingerprint(app);
    const response = await app.request(stepOutputPath(fixture), {
      method: 'PUT',
      body: `{"output":{"n":${raw},"list":[${raw}]}}`,
      headers: { ...fixture.headers, 'Content-Type': 'application/json' },
    });
    const text = await response.text();
    expect([200, 400], text).toContain(response.status);
    const expected = JSON.parse(raw) as number;
    if (response.status === 400) {
      expect(Number.isFinite(expected), `${raw} refused although JavaScript reads it as ${expected}`).toBe(
        false,
      );
      expect((JSON.parse(text) as { code: string }).code).toBe('validation_failed');
      expect(await fingerprint(app)).toEqual(before);
      return;
    }
    expect(Number.isFinite(expected), `${raw} (${expected}) was stored`).toBe(true);
    // What the client reads back is what JavaScript made of what it sent (-0 becomes 0 in JSON).
    const read = (await (
      await app.request(fillPath('/api/workshops/{workshopId}/steps/{stepId}', fixture.params), {
        headers: fixture.headers,
      })
    ).json()) as { output: { n: number; list: number[] } };
    expect(read.output.n).toBe(expected === 0 ? 0 : expected);
    expect(read.output.list).toEqual([expected === 0 ? 0 : expected]);
  });
});
