import fc from 'fast-check';
import type { JsonObject } from './support';

/** What any client would expect back: the object as JSON carries it. */
export const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/**
 * Any JSON object, Unicode everywhere, without NUL (refused by contract), bounded in size. Keys come in
 * whatever order they were generated, at every depth.
 */
export function outputArbitrary(maxBytes: number): fc.Arbitrary<JsonObject> {
  return fc
    .dictionary(
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.jsonValue({ stringUnit: 'grapheme', maxDepth: 4, depthSize: 'small' }),
      { maxKeys: 8 },
    )
    .map((output) => asJson(output) as JsonObject) // -0 becomes 0; only finite numbers exist in JSON anyway
    .filter((output) => {
      const text = JSON.stringify(output);
      return !text.includes('\\u0000') && Buffer.byteLength(text) <= maxBytes;
    });
}
