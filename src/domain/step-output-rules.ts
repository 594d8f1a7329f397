export const MAX_OUTPUT_DEPTH = 64;
const LONE_SURROGATE = /\p{Cs}/u;

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'a NUL character';
  if (LONE_SURROGATE.test(text)) return 'a lone surrogate (not well-formed Unicode)';
  return undefined;
}

export type OutputProblem = { path: string; message: string };

/**
 * Postgres refuses NUL and lone surrogates in an output (its column reads it through jsonb), and very deep
 * nesting only ever comes from hostile input; all are refused with the path where they were found.
 */
export function findOutputProblem(value: unknown, path = 'output', depth = 0): OutputProblem | undefined {
  if (depth > MAX_OUTPUT_DEPTH) return { path, message: `nests deeper than ${MAX_OUTPUT_DEPTH} levels` };
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { path, message: `contains ${problem}` } : undefined;
  }
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
      const keyProblem = textProblem(key);
      if (keyProblem) return { path, message: `has a key containing ${keyProblem}` };
      const problem = findOutputProblem(item, `${path}.${key}`, depth + 1);
      if (problem) return problem;
    }
  }
  return undefined;
}

export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
