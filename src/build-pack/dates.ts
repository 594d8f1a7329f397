const UNKNOWN_DATE = 'unknown date';

/** Calendar date in UTC, e.g. `2025-03-14`; people read the pack, so the time of day is left out. */
export function isoDate(date: Date): string {
  return Number.isNaN(date.getTime()) ? UNKNOWN_DATE : date.toISOString().slice(0, 10);
}

/** The latest of the given dates; used as the document's modification date so it follows the data, not the clock. */
export function latestDate(first: Date, ...rest: Date[]): Date {
  return rest.reduce((latest, date) => (date.getTime() > latest.getTime() ? date : latest), first);
}
