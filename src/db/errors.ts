import type { RoundTripRecord } from './round-trip-record';

export interface DatabaseFailure {
  /**
   * `unavailable`: the database could not be reached, or did not answer in full within the deadline, or
   * answered "not now"; safe to retry later. `rejected`: it answered, and the answer was no.
   */
  kind: 'unavailable' | 'rejected';
  sqlState: string | undefined;
  constraint: string | undefined;
}

// SQLSTATE classes that mean "not now" rather than "not this": connection exceptions, insufficient
// resources, operator intervention (e.g. a compute restarting), and lock/serialization trouble.
const TRANSIENT_SQLSTATE = /^(08|53|57P0|40001|40P01|55P03)/;

/** An answer too large to send (507) will be as large next time: retrying cannot help. */
const ANSWER_TOO_LARGE = 507;

/**
 * How a request's database work failed, from what its round trips recorded, or undefined when none
 * failed (so whatever was thrown is not the database's doing). Whatever the driver threw is not looked at:
 * its shape depends on the moment the failure happened.
 */
export function classifyDatabaseFailure(record: RoundTripRecord | undefined): DatabaseFailure | undefined {
  const failure = record?.failure;
  switch (failure?.kind) {
    case undefined:
      return undefined;
    case 'deadline':
    case 'transport':
      return { kind: 'unavailable', sqlState: undefined, constraint: undefined };
    case 'endpoint':
      return {
        kind: failure.status === ANSWER_TOO_LARGE ? 'rejected' : 'unavailable',
        sqlState: undefined,
        constraint: undefined,
      };
    case 'postgres': {
      const transient = failure.sqlState !== undefined && TRANSIENT_SQLSTATE.test(failure.sqlState);
      return {
        kind: transient ? 'unavailable' : 'rejected',
        sqlState: failure.sqlState,
        constraint: failure.constraint,
      };
    }
  }
}
