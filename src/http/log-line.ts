import type { Config } from '../env';

export type LogLevel = Exclude<Config['LOG_LEVEL'], 'silent'>;
export type LogFields = Record<string, unknown>;

/** The request line's own fields, in the order a reader scans them. */
const REQUEST_FIELDS = ['method', 'path', 'status', 'code', 'durationMs', 'userId', 'requestId'] as const;

/**
 * `14:03:07.412 info  POST /api/workshops 422 validation_failed 3.1 ms user_dev req=…`; any other event
 * as its name followed by key=value pairs (values as JSON). Fields left undefined are left out.
 */
function prettyLine(level: LogLevel, time: Date, fields: LogFields): string {
  const parts = [time.toISOString().slice(11, 23), level.padEnd(5)];
  if ('status' in fields) {
    const { method, path, status, code, durationMs, userId, requestId } = fields;
    parts.push(`${method} ${path} ${status}`);
    if (code !== undefined) parts.push(String(code));
    parts.push(`${durationMs} ms`);
    if (userId !== undefined) parts.push(String(userId));
    parts.push(`req=${requestId}`);
    for (const [key, value] of Object.entries(fields)) {
      if (!(REQUEST_FIELDS as readonly string[]).includes(key) && value !== undefined)
        parts.push(`${key}=${JSON.stringify(value)}`);
    }
    return parts.join(' ');
  }
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    parts.push(key === 'event' ? String(value) : `${key}=${JSON.stringify(value)}`);
  }
  return parts.join(' ');
}

export function formatLogLine(
  format: Config['LOG_FORMAT'],
  level: LogLevel,
  time: Date,
  fields: LogFields,
): string {
  if (format === 'pretty') return prettyLine(level, time, fields);
  return JSON.stringify({ level, time: time.toISOString(), ...fields });
}
