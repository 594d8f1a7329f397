/**
 * How a request's failed round trip (src/db/round-trip-record.ts) becomes a status: "not now" → 503
 * with Retry-After (`unavailable`), "not this" → the error handling's other cases (`rejected`).
 */
import { describe, expect, it } from 'vitest';
import { classifyDatabaseFailure } from '../../src/db/errors';
import { answeredFailure, type RoundTripFailure, thrownFailure } from '../../src/db/round-trip-record';

const classify = (failure: RoundTripFailure | undefined) => classifyDatabaseFailure({ failure })?.kind;
const bytes = (text: string): ArrayBuffer => new Uint8Array(new TextEncoder().encode(text)).buffer;
const body = (fields: Record<string, unknown>) => bytes(JSON.stringify(fields));

describe('classifyDatabaseFailure', () => {
  it('no failed round trip → not the database (whatever was thrown is a bug: 500)', () => {
    expect(classify(undefined)).toBeUndefined();
    expect(classifyDatabaseFailure(undefined)).toBeUndefined();
  });

  it.each([
    ['our deadline fired', thrownFailure(AbortSignal.abort())],
    ['the connection failed or was reset', thrownFailure(new AbortController().signal)],
    ['the endpoint answered 500', answeredFailure(500, body({ message: 'could not connect' }))],
    ['the endpoint answered 503', answeredFailure(503, new ArrayBuffer(0))],
    ['Postgres: serialization failure 40001', answeredFailure(400, body({ code: '40001' }))],
    ['Postgres: admin shutdown 57P01', answeredFailure(400, body({ code: '57P01' }))],
    ['Postgres: too many connections 53300', answeredFailure(400, body({ code: '53300' }))],
  ])('%s → unavailable', (_, failure) => {
    expect(classify(failure)).toBe('unavailable');
  });

  it.each([
    [
      'an answer too large to send (507): retrying cannot help',
      answeredFailure(507, body({ message: 'too large' })),
    ],
    ['Postgres: unique violation 23505', answeredFailure(400, body({ code: '23505', constraint: 'k' }))],
    ['Postgres: invalid text 22P02', answeredFailure(400, body({ code: '22P02' }))],
    ['a 400 without a SQLSTATE (the request itself was wrong)', answeredFailure(400, body({ code: '' }))],
    ['a 400 whose body is not JSON', answeredFailure(400, bytes('nope'))],
  ])('%s → rejected', (_, failure) => {
    expect(classify(failure)).toBe('rejected');
  });

  it('keeps the SQLSTATE and constraint Postgres sent', () => {
    expect(
      classifyDatabaseFailure({ failure: answeredFailure(400, body({ code: '23505', constraint: 'k' })) }),
    ).toEqual({ kind: 'rejected', sqlState: '23505', constraint: 'k' });
  });

  it('a complete answer is no failure', () => {
    expect(answeredFailure(200, body({ rows: [] }))).toBeUndefined();
  });
});
