const MAX_CAUSES = 5;
const MAX_FRAMES = 8;

export interface LoggableError {
  /** The error and its causes, outermost first: class names and machine codes (SQLSTATE, errno) only. */
  chain: { name: string; code?: string }[];
  /** Where it was thrown: the stack's frames, without the message it starts with. */
  frames?: string[];
}

const codeOf = (error: object): string | undefined => {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Za-z0-9_]{1,32}$/.test(code) ? code : undefined;
};

/**
 * What a log line may say about an error. Never its message: messages carry data. Drizzle's reads
 * "Failed query: … params: …" with the saved output among the params, Postgres quotes offending values,
 * JSON parse errors quote the body.
 */
export function loggableError(error: unknown): LoggableError {
  const chain: LoggableError['chain'] = [];
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSES && current !== undefined && current !== null; depth++) {
    if (typeof current !== 'object') {
      chain.push({ name: typeof current });
      break;
    }
    const name = current instanceof Error ? current.name : (current.constructor?.name ?? 'Object');
    const code = codeOf(current);
    chain.push(code ? { name, code } : { name });
    current = (current as { cause?: unknown }).cause;
  }
  return { chain, ...framesOf(error) };
}

/** A V8 stack is `String(error)` and then the frames; anything else is left out rather than guessed at. */
function framesOf(error: unknown): { frames?: string[] } {
  if (!(error instanceof Error) || typeof error.stack !== 'string') return {};
  const header = String(error);
  if (!error.stack.startsWith(`${header}\n`)) return {};
  const frames = error.stack
    .slice(header.length + 1)
    .split('\n')
    .map((line) => line.trim())
    .slice(0, MAX_FRAMES);
  return { frames };
}
