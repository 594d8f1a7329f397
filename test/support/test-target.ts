/**
 * Which runtime the behaviour suites drive: `node` (the default: the app in this process, called through
 * `app.request`) or `workerd` (TEST_TARGET=workerd, set by vitest.workerd.config.ts: the Worker bundle inside
 * workerd, called over loopback HTTP). The suites are written once and run on both.
 */
export type TestTarget = 'node' | 'workerd';

export const testTarget: TestTarget = process.env.TEST_TARGET === 'workerd' ? 'workerd' : 'node';

/**
 * For `it.skipIf(nodeOnly('why'))`: true when the suite runs against workerd. The reason is for the reader:
 * a test that needs the app in this process (its internals, a module swapped for a test) says why here.
 */
export function nodeOnly(_reason: string): boolean {
  return testTarget === 'workerd';
}
