/** SHA-256 of the text's UTF-8 bytes, as 64 lowercase hex digits; Web Crypto, so the same on Node and Workers. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * SHA-256 of a value's JSON text. JSON text is always well-formed Unicode (JSON.stringify escapes lone
 * surrogates, which UTF-8 encoding would otherwise fold into U+FFFD), so two values with different JSON
 * get different digests, short of a SHA-256 collision.
 */
export const jsonDigest = (value: unknown): Promise<string> => sha256Hex(JSON.stringify(value));
