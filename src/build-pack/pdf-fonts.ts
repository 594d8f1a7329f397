import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';
import type { GlyphCoverage } from './drawable-text';
import { dejaVuSansBoldBase64 } from './fonts/dejavu-sans-bold';
import { dejaVuSansRegularBase64 } from './fonts/dejavu-sans-regular';

export interface PdfTypeface {
  font: PDFFont;
  covers: GlyphCoverage;
}

export interface PdfFonts {
  regular: PdfTypeface;
  bold: PdfTypeface;
}

interface FontSource {
  bytes: Uint8Array;
  covers: GlyphCoverage;
}

function decodeBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/**
 * DejaVu has Tifinagh glyphs, but shaping Tifinagh runs fontkit's Universal Shaping Engine, which
 * throws in @pdf-lib/fontkit 1.1.1 (its state machine needs a regeneratorRuntime global). Treating
 * the script as not covered turns it into placeholders instead.
 */
const UNSHAPEABLE = /\p{Script=Tifinagh}/u;

function loadFontSource(base64: string): () => FontSource {
  let cached: FontSource | undefined;
  return () => {
    if (!cached) {
      const bytes = decodeBase64(base64);
      const font = fontkit.create(bytes);
      const covers = (codePoint: number) =>
        font.hasGlyphForCodePoint(codePoint) && !UNSHAPEABLE.test(String.fromCodePoint(codePoint));
      cached = { bytes, covers };
    }
    return cached;
  };
}

// Decoding and parsing once per isolate keeps repeated renders cheap; the bytes never change.
const regularSource = loadFontSource(dejaVuSansRegularBase64);
const boldSource = loadFontSource(dejaVuSansBoldBase64);

async function embed(document: PDFDocument, source: FontSource): Promise<PdfTypeface> {
  const font = await document.embedFont(source.bytes, { subset: true });
  return { font, covers: source.covers };
}

export async function embedPdfFonts(document: PDFDocument): Promise<PdfFonts> {
  document.registerFontkit(fontkit);
  return { regular: await embed(document, regularSource()), bold: await embed(document, boldSource()) };
}
