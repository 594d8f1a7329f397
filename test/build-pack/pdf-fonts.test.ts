import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fontkit from '@pdf-lib/fontkit';
import { describe, expect, it } from 'vitest';
import {
  expectedFontModule,
  FONT_MODULES,
  fontModulePath,
  slimTrueTypeFont,
} from '../../scripts/generate-font-module';
import { PLACEHOLDER } from '../../src/build-pack/drawable-text';
import { dejaVuSansBoldBase64 } from '../../src/build-pack/fonts/dejavu-sans-bold';
import { dejaVuSansRegularBase64 } from '../../src/build-pack/fonts/dejavu-sans-regular';
import { renderPdf } from '../../src/build-pack/pdf';
import { halfDoneWorkshop } from './fixtures';
import { flatten, readPdf } from './pdf-text';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BUILD_PACK = join(ROOT, 'src/build-pack');

function withOutput(output: Record<string, unknown>) {
  return {
    ...halfDoneWorkshop,
    steps: halfDoneWorkshop.steps.map((step, index) => (index === 0 ? { ...step, output } : step)),
  };
}

describe('generated font modules', () => {
  it.each(FONT_MODULES.map((spec) => [spec.moduleFile, spec] as const))(
    '%s is up to date with the generator',
    (_file, spec) => {
      expect(readFileSync(fontModulePath(spec), 'utf8') === expectedFontModule(spec)).toBe(true);
    },
  );

  it.each([
    ['DejaVuSans.ttf', dejaVuSansRegularBase64],
    ['DejaVuSans-Bold.ttf', dejaVuSansBoldBase64],
  ])('%s keeps every glyph and character of the original', (file, base64) => {
    const original = fontkit.create(
      new Uint8Array(readFileSync(join(ROOT, 'node_modules/dejavu-fonts-ttf/ttf', file))),
    );
    const slim = fontkit.create(new Uint8Array(Buffer.from(base64, 'base64')));
    expect(slim.numGlyphs).toBe(original.numGlyphs);
    expect(slim.characterSet).toEqual(original.characterSet);
    expect(slim.postscriptName).toBe(original.postscriptName);
    expect(slim.italicAngle).toBe(original.italicAngle);
    expect(slim.hasGlyphForCodePoint(PLACEHOLDER.codePointAt(0) ?? 0)).toBe(true);
  });

  it('slims deterministically', () => {
    const ttf = new Uint8Array(readFileSync(join(ROOT, 'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf')));
    expect(Buffer.from(slimTrueTypeFont(ttf)).equals(Buffer.from(slimTrueTypeFont(ttf)))).toBe(true);
  });
});

describe('every character DejaVu Sans has', () => {
  it('renders in both weights without failing', async () => {
    const font = fontkit.create(new Uint8Array(Buffer.from(dejaVuSansBoldBase64, 'base64')));
    const everything = String.fromCodePoint(...font.characterSet.filter((codePoint) => codePoint > 0x20));
    const chunks = everything.match(/[\s\S]{1,400}/gu) ?? [];
    const output = Object.fromEntries(chunks.map((chunk) => [chunk, chunk]));
    const pdf = await readPdf(await renderPdf(withOutput(output)));
    expect(flatten(pdf.pages.join('\n'))).toContain('ΑΒΓΔΕΖΗΘ');
  });

  it('draws Tifinagh, which fontkit cannot shape, as placeholders', async () => {
    const pdf = await readPdf(await renderPdf(withOutput({ tifinagh: 'ⵜⴰⵎⴰⵣⵉⵖⵜ ok' })));
    expect(flatten(pdf.pages.join('\n'))).toContain(`Tifinagh: ${PLACEHOLDER.repeat(8)} ok`);
  });
});

describe('which renderers load the PDF fonts', () => {
  function reachable(entry: string, seen = new Set<string>()): Set<string> {
    if (seen.has(entry)) return seen;
    seen.add(entry);
    const source = readFileSync(join(BUILD_PACK, `${entry}.ts`), 'utf8');
    for (const [, specifier] of source.matchAll(/from '([^']+)'/g)) {
      if (specifier?.startsWith('./')) reachable(specifier.slice(2), seen);
      else if (specifier) seen.add(specifier);
    }
    return seen;
  }

  it.each(['markdown', 'json'])('the %s renderer never loads pdf-lib, fontkit or the fonts', (entry) => {
    const modules = [...reachable(entry)];
    expect(modules.filter((module) => /pdf|fontkit|fonts\//.test(module))).toEqual([]);
  });

  it('the PDF renderer is the one that loads the fonts', () => {
    expect([...reachable('pdf')]).toEqual(expect.arrayContaining(['fonts/dejavu-sans-regular', 'pdf-lib']));
  });
});
