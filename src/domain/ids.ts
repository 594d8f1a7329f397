import { init } from '@paralleldrive/cuid2';

const CUID_LENGTH = 24;
let createCuid: (() => string) | undefined;

/** Prefixes make a log line tell the table an id belongs to. */
export const ID_PREFIXES = {
  workshop: 'ws',
  member: 'mem',
  workshopStep: 'wst',
  session: 'ses',
  buildPack: 'bp',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

export function newId(kind: IdKind): string {
  // Workers refuse random values at global scope, so the generator is made on first use, inside a request.
  createCuid ??= init({ length: CUID_LENGTH });
  return `${ID_PREFIXES[kind]}_${createCuid()}`;
}

export function idPattern(kind: IdKind): RegExp {
  return new RegExp(`^${ID_PREFIXES[kind]}_[a-z][a-z0-9]{${CUID_LENGTH - 1}}$`);
}

export function isId(kind: IdKind, value: string): boolean {
  return idPattern(kind).test(value);
}
