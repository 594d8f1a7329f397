export const MAX_OUTPUT_DEPTH = 64;

export type OutputProblem = { path: string; message: string };

/**
 * Postgres cannot store NUL in jsonb, and very deep nesting only ever comes from hostile input;
 * both are refused with the path where they were found.
 */
export function findOutputProblem(value: unknown, path = 'output', depth = 0): OutputProblem | undefined {
  if (depth > MAX_OUTPUT_DEPTH) return { path, message: `nests deeper than ${MAX_OUTPUT_DEPTH} levels` };
  if (typeof value === 'string')
    return value.includes('\u0000') ? { path, message: 'contains a NUL character' } : undefined;
  if (typeof value === 'number' && !Number.isFinite(value))
    return { path, message: 'is not a finite number' };
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const problem = findOutputProblem(item, `${path}.${index}`, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return { path, message: 'has a key containing a NUL character' };
      const problem = findOutputProblem(item, `${path}.${key}`, depth + 1);
      if (problem) return problem;
    }
  }
  return undefined;
}

export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
