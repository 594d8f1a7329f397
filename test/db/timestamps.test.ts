import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toIso, toIsoOrNull } from '../../src/db/timestamps';

describe('toIso', () => {
  it.each([
    ['2026-11-24 02:12:53.763+00', '2026-11-24T02:12:53.763Z'],
    ['2026-11-24 02:12:53.76+00', '2026-11-24T02:12:53.760Z'],
    ['2026-11-24 02:12:53.7+00', '2026-11-24T02:12:53.700Z'],
    ['2026-11-24 02:12:53+00', '2026-11-24T02:12:53.000Z'],
    ['2026-11-24 07:42:53.763+05:30', '2026-11-24T02:12:53.763Z'],
    ['2026-11-23 21:12:53.763-05', '2026-11-24T02:12:53.763Z'],
    ['2026-11-24T02:12:53.763+00:00', '2026-11-24T02:12:53.763Z'],
  ])('turns %s into %s', (input, expected) => {
    expect(toIso(input)).toBe(expected);
  });

  it('agrees with Date for every instant Postgres can print in a UTC session', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59.999Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const iso = date.toISOString();
          const fraction = iso.slice(20, 23).replace(/0+$/, '');
          const postgres = `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? `.${fraction}` : ''}+00`;
          expect(toIso(postgres)).toBe(iso);
        },
      ),
    );
  });

  it('passes a Date through and keeps null as null', () => {
    expect(toIso(new Date('2026-11-24T02:12:53.763Z'))).toBe('2026-11-24T02:12:53.763Z');
    expect(toIsoOrNull(null)).toBeNull();
    expect(toIsoOrNull(undefined)).toBeNull();
  });
});
