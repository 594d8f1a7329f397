import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface PdfContent {
  pages: string[];
  info: Record<string, unknown>;
}

/** Text of every page, lines joined by "\n", as a PDF reader would copy it. */
export async function readPdf(bytes: Uint8Array): Promise<PdfContent> {
  const document = await getDocument({ data: bytes.slice(), disableFontFace: true, useSystemFonts: false })
    .promise;
  try {
    const pages: string[] = [];
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      pages.push(
        content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''),
      );
    }
    const metadata = await document.getMetadata();
    const info = typeof metadata.info === 'object' && metadata.info !== null ? { ...metadata.info } : {};
    return { pages, info };
  } finally {
    await document.destroy();
  }
}

/** Whitespace-insensitive view of the text, since wrapping decides where lines break. */
export function flatten(text: string): string {
  return text.replace(/\s+/g, ' ');
}
