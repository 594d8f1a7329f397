/** `select … from workshops w join …` squeezed onto one line and cut, for a report. */
export function summariseStatement(query: string, max = 90): string {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
