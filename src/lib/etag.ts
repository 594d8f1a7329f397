/**
 * Entity tags name a version: the row's `updated_at`, which the database moves forward on every update
 * (drizzle/0001), so a SQL statement can compare an `If-Match` against the row it is about to change.
 */
export function versionTag(prefix: string, updatedAt: string | Date): string {
  const millis = (updatedAt instanceof Date ? updatedAt : new Date(updatedAt)).getTime();
  return `"${prefix}-${millis.toString(36)}"`;
}

/** The version an `If-Match` names, or undefined when absent; `*` matches any existing version. */
export function parseIfMatch(
  header: string | undefined,
  prefix: string,
): { any: true } | { version: Date } | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return { any: true };
  const match = new RegExp(`^(?:W/)?"${prefix}-([0-9a-z]{1,12})"$`).exec(value);
  const millis = match?.[1] ? Number.parseInt(match[1], 36) : Number.NaN;
  // An unparseable tag can match no version: use the epoch so the comparison fails with 412.
  return { version: new Date(Number.isFinite(millis) ? millis : 0) };
}

/** Weak comparison (RFC 9110 §13.1.2), for If-None-Match. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((candidate) => strip(candidate) === strip(etag));
}

/** A strong tag for a rendered body: FNV-1a over its bytes, cheap and deterministic on every runtime. */
export function contentTag(prefix: string, parts: readonly string[]): string {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    for (let index = 0; index < part.length; index++) {
      hash ^= part.charCodeAt(index);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    hash ^= 0x1f;
  }
  return `"${prefix}-${(hash >>> 0).toString(36)}"`;
}
