import { isId } from '../domain/ids';

/** Opaque keyset cursor: the sort key of the last item returned, base64url-encoded. */
export interface ListCursor {
  updatedAt: string;
  id: string;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function encodeCursor(cursor: ListCursor): string {
  return toBase64Url(encoder.encode(JSON.stringify([cursor.updatedAt, cursor.id])));
}

export function decodeCursor(value: string): ListCursor | undefined {
  try {
    const binary = atob(value.replaceAll('-', '+').replaceAll('_', '/'));
    const parsed: unknown = JSON.parse(decoder.decode(Uint8Array.from(binary, (char) => char.charCodeAt(0))));
    if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
    const [updatedAt, id] = parsed as unknown[];
    if (typeof updatedAt !== 'string' || typeof id !== 'string') return undefined;
    if (!ISO_UTC.test(updatedAt) || Number.isNaN(Date.parse(updatedAt)) || !isId('workshop', id))
      return undefined;
    return { updatedAt, id };
  } catch {
    return undefined;
  }
}
