/**
 * How much one caller can make the database hold. Every growth path that a request can take is bounded
 * here; the README's Security section works out what these add up to per user.
 */

/** Build pack rows per workshop; a further create is refused (409 `build_pack_limit_reached`). */
export const MAX_BUILD_PACKS_PER_WORKSHOP = 20;

/** Memberships per workshop, owners included; a further member is refused (409 `member_limit_reached`). */
export const MAX_MEMBERS_PER_WORKSHOP = 100;

/**
 * Session rows kept per workshop. Recording a new session beyond this removes the oldest ones in the same
 * statement: a session is activity history, and refusing the activity instead would let any member (a
 * viewer too) lock everyone else out of the workshop.
 */
export const MAX_SESSIONS_PER_WORKSHOP = 1_000;

/**
 * Unexpired Idempotency-Key records per user. A new key beyond this is refused (429
 * `idempotency_key_limit_reached`, Retry-After until the oldest expires); replays of known keys still answer.
 */
export const MAX_IDEMPOTENCY_KEYS_PER_USER = 1_000;

/**
 * The most workshops a user can be made owner of by someone else. The server knows a user's plan only from
 * their own token, so it cannot apply the recipient's plan cap to a handover; it applies the largest cap
 * of any plan instead, which keeps what any one user owns bounded. A recipient over their own plan's cap
 * keeps what they were given and cannot create until they own fewer than their cap.
 */
export function ownershipHandoverLimit(caps: Readonly<Record<string, number>>): number {
  return Math.max(0, ...Object.values(caps));
}

/** A step's output, as UTF-8 JSON: what the step needs, with room for rich answers, and what a build pack must render. */
export const STEP_OUTPUT_LIMIT_BYTES = 256 * 1024;
