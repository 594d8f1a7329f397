/** Postgres's text output for a timestamptz(3) in a UTC session: `2026-11-24 02:12:53.76+00`. */
const POSTGRES_UTC = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,3}))?\+00$/;

/** Postgres text (`2026-11-24 02:12:53.763+00`), JSON (`…T…+00:00`) or a Date, to an ISO 8601 UTC string. */
export function toIso(value: string | Date): string {
  if (typeof value === 'string') {
    // The common case, rearranged as text: Date's parser for this non-ISO form is slow on V8.
    const utc = POSTGRES_UTC.exec(value);
    if (utc) return `${utc[1]}T${utc[2]}.${(utc[3] ?? '').padEnd(3, '0')}Z`;
  }
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function toIsoOrNull(value: string | Date | null | undefined): string | null {
  return value === null || value === undefined ? null : toIso(value);
}
