/** Common file systems allow 255 bytes per name; leave room for the extension. */
const MAX_NAME_BYTES = 200;
const encoder = new TextEncoder();

/** The longest prefix of whole graphemes (a flag, an emoji with its skin tone) within the byte budget. */
function fitToBytes(text: string, maxBytes: number): string {
  let fitted = '';
  let bytes = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    bytes += encoder.encode(segment).length;
    if (bytes > maxBytes) break;
    fitted += segment;
  }
  return fitted;
}

/**
 * `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / RFC 8187), so every
 * client gets a sensible file name from any title.
 */
export function attachment(title: string, extension: string): string {
  const ascii =
    title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9._ -]+/g, '')
      .trim()
      .replace(/\s+/g, '-')
      .slice(0, 80) || 'build-pack';
  const exact = encodeURIComponent(`${fitToBytes(title, MAX_NAME_BYTES)}.${extension}`).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}.${extension}"; filename*=UTF-8''${exact}`;
}
