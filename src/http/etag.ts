const base36Millis = (value: string | Date) =>
  (value instanceof Date ? value : new Date(value)).getTime().toString(36);

/**
 * Entity tags name a version: the row's `updated_at`, which the database moves forward on every update
 * (drizzle/0001), so a SQL statement can compare an `If-Match` against the row it is about to change.
 * `alsoShown` are the times of other rows the representation includes (step definitions), and `variant`
 * whatever else it depends on (the caller's role, a flag derived from other rows): both make the tag
 * change for caches, so one tag never names two different bodies, while `If-Match` compares the row's own
 * version only.
 */
export function versionTag(
  prefix: string,
  updatedAt: string | Date,
  shown: { alsoShown?: readonly (string | Date)[]; variant?: string } = {},
): string {
  const versions = [updatedAt, ...(shown.alsoShown ?? [])].map(base36Millis).join('.');
  return `"${prefix}-${versions}${shown.variant ? `-${shown.variant}` : ''}"`;
}

/** The version an `If-Match` names, or undefined when absent; `*` matches any existing version. */
export function parseIfMatch(
  header: string | undefined,
  prefix: string,
): { any: true } | { version: Date } | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return { any: true };
  const match = new RegExp(
    `^(?:W/)?"${prefix}-([0-9a-z]{1,12})(?:\\.[0-9a-z]{1,12})*(?:-[a-z_]{1,32})?"$`,
  ).exec(value);
  const version = new Date(match?.[1] ? Number.parseInt(match[1], 36) : Number.NaN);
  // A tag naming no possible version (unparseable, beyond the range of dates) matches nothing: 412.
  return { version: Number.isNaN(version.getTime()) ? new Date(0) : version };
}

/** Weak comparison (RFC 9110 §13.1.2), for If-None-Match. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((candidate) => strip(candidate) === strip(etag));
}

/**
 * A strong tag for a representation, from the SHA-256 digest of everything it is made from (`jsonDigest`):
 * a collision-resistant hash, so no other input, and no other resource, can ever carry the same tag.
 */
export const contentTag = (prefix: string, digest: string): string => `"${prefix}-${digest}"`;
