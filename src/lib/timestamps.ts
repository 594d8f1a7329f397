/** Postgres text (`2026-11-24 02:12:53.763+00`), JSON (`…T…+00:00`) or a Date, to an ISO 8601 UTC string. */
export function toIso(value: string | Date): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function toIsoOrNull(value: string | Date | null | undefined): string | null {
  return value === null || value === undefined ? null : toIso(value);
}
