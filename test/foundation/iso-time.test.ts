/**
 * Answers carry their times as the database formats them, so the SQL must write exactly what JavaScript's
 * `Date#toISOString` writes for the same instant: the format clients parse and ETags and cursors are made of.
 */
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { isoTime } from '../../src/db/queries/json-shape';
import { useTestApp } from '../support/test-app';

const t = useTestApp();

/** Each instant stored as the app stores times (timestamptz(3)), then written by `isoTime`, in one round trip. */
async function writtenBySql(instants: readonly (string | null)[]): Promise<(string | null)[]> {
  const db = createDb({
    DATABASE_URL: t().env.DATABASE_URL ?? '',
    NEON_SQL_ENDPOINT: t().env.NEON_SQL_ENDPOINT,
  });
  const { rows } = await db.execute<{ iso: string | null }>(sql`
    select ${sql.raw(isoTime('v.text::timestamptz(3)'))} as iso
    from json_array_elements_text(${JSON.stringify(instants)}::json) with ordinality as v(text, n)
    order by v.n`);
  return rows.map((row) => row.iso);
}

describe('isoTime', () => {
  it('writes ISO 8601 in UTC with three fraction digits, whatever the offset or precision it is given', async () => {
    expect(
      await writtenBySql([
        '2026-11-24 02:12:53.763+00',
        '2026-11-24 02:12:53.76+00',
        '2026-11-24 02:12:53+00',
        '2026-11-24 07:42:53.763+05:30',
        '2026-11-23 21:12:53.763-05',
        '1970-01-01 00:00:00+00',
        null,
      ]),
    ).toEqual([
      '2026-11-24T02:12:53.763Z',
      '2026-11-24T02:12:53.760Z',
      '2026-11-24T02:12:53.000Z',
      '2026-11-24T02:12:53.763Z',
      '2026-11-24T02:12:53.763Z',
      '1970-01-01T00:00:00.000Z',
      null,
    ]);
  });

  it('agrees with Date#toISOString for any instant from 1970 to 9999', async () => {
    const dates = fc.sample(
      fc.date({
        min: new Date('1970-01-01T00:00:00Z'),
        max: new Date('9999-12-31T23:59:59.999Z'),
        noInvalidDate: true,
      }),
      500,
    );
    const expected = dates.map((date) => date.toISOString());
    expect(await writtenBySql(expected)).toEqual(expected);
  });
});
