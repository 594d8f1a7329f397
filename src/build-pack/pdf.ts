import { PDFDocument } from 'pdf-lib';
import { latestDate } from './dates';
import { buildPackOutline, type PackOutline } from './pack-outline';
import { embedPdfFonts } from './pdf-fonts';
import { PackLayout, stylesFor } from './pdf-pack-layout';
import { type PageGeometry, PdfPageFlow } from './pdf-page-flow';
import type { BuildPackSource } from './source';

const A4: PageGeometry = {
  size: [595.28, 841.89],
  marginTop: 56,
  marginBottom: 64,
  marginLeft: 56,
  marginRight: 56,
};
const FOOTER_BASELINE = 32;
const PRODUCER = 'workshop-api build pack renderer';
const OBJECTS_PER_PAUSE = 8;

/** Renders the build pack as a paginated A4 PDF; the same source always gives the same bytes. */
export async function renderPdf(source: BuildPackSource): Promise<Uint8Array> {
  const outline = buildPackOutline(source);
  // pdf-lib stamps the current time into the metadata unless told not to.
  const document = await PDFDocument.create({ updateMetadata: false });
  setMetadata(document, source, outline);
  const styles = stylesFor(await embedPdfFonts(document));
  const flow = new PdfPageFlow(document, A4);
  await new PackLayout(flow, styles).pack(outline);
  await flow.numberPages(styles.footer, FOOTER_BASELINE);
  // pdf-lib pauses every `objectsPerTick` objects while writing; a page's compressed content is one.
  return document.save({ objectsPerTick: OBJECTS_PER_PAUSE });
}

function setMetadata(document: PDFDocument, source: BuildPackSource, outline: PackOutline): void {
  document.setTitle(outline.title, { showInWindowTitleBar: true });
  document.setSubject(`Design-thinking workshop build pack: ${source.workshop.title}`);
  document.setProducer(PRODUCER);
  document.setCreator(PRODUCER);
  const updated = latestDate(
    source.pack.updatedAt,
    source.workshop.updatedAt,
    ...source.steps.map((step) => step.updatedAt),
  );
  if (isValidDate(source.pack.createdAt)) document.setCreationDate(source.pack.createdAt);
  if (isValidDate(updated)) document.setModificationDate(updated);
}

function isValidDate(date: Date): boolean {
  return !Number.isNaN(date.getTime());
}
