import type { PackContentRow } from '../db/queries/build-packs';
import { jsonDigest } from '../domain/sha256';
import { RenderedPackCache } from './rendered-pack-cache';
import type { BuildPackSource } from './source';

/** How each format is sent: its media type and the extension of the file it downloads as. */
const MEDIA = {
  markdown: { contentType: 'text/markdown; charset=utf-8', extension: 'md' },
  json: { contentType: 'application/json; charset=utf-8', extension: 'json' },
  pdf: { contentType: 'application/pdf', extension: 'pdf' },
} as const;

export interface RenderedPack {
  body: string | Uint8Array;
  contentType: string;
  /** The file name a download is offered under, before its extension: the pack's title. */
  title: string;
  extension: string;
}

/**
 * What names a pack's content before it is rendered: renderers are pure, so the digest of everything they
 * read (the whole row: ids, times, progress, every output) names their output too.
 */
export const packContentDigest = (row: PackContentRow): Promise<string> => jsonDigest(row);

const renderedPacks = new RenderedPackCache();

/**
 * The pack rendered in its format, from the isolate's cache when the same pack was rendered from the same
 * input (`digest`, from `packContentDigest`). A pack too large to render is refused with a problem.
 */
export async function renderPack(row: PackContentRow, digest: string): Promise<RenderedPack> {
  const body = await renderedPacks.getOrRender(
    { workshopId: row.pack.workshopId, packId: row.pack.id },
    digest,
    () => render(toSource(row)),
  );
  return { body, title: row.pack.title, ...MEDIA[row.pack.format] };
}

/**
 * A renderer loads when its format is first asked for, keeping it off every other path and out of what a
 * Worker loads at start-up (the PDF renderer carries its fonts).
 */
async function render(source: BuildPackSource): Promise<string | Uint8Array> {
  switch (source.pack.format) {
    case 'markdown': {
      const { renderMarkdownPaced } = await import('./markdown');
      return renderMarkdownPaced(source);
    }
    case 'json': {
      const { renderJsonText } = await import('./json');
      return renderJsonText(source);
    }
    case 'pdf': {
      const { renderPdf } = await import('./pdf');
      return renderPdf(source);
    }
  }
}

/** The renderers work with dates; the row carries the ISO 8601 text every answer shows. */
function toSource(row: PackContentRow): BuildPackSource {
  const date = (value: string) => new Date(value);
  const maybeDate = (value: string | null) => (value === null ? null : new Date(value));
  return {
    pack: {
      id: row.pack.id,
      title: row.pack.title,
      format: row.pack.format,
      createdAt: date(row.pack.createdAt),
      updatedAt: date(row.pack.updatedAt),
    },
    workshop: {
      ...row.workshop,
      createdAt: date(row.workshop.createdAt),
      updatedAt: date(row.workshop.updatedAt),
    },
    progress: row.progress,
    steps: row.steps.map((step) => ({
      ...step,
      startedAt: maybeDate(step.startedAt),
      completedAt: maybeDate(step.completedAt),
      updatedAt: date(step.updatedAt),
    })),
  };
}
