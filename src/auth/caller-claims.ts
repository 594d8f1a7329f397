export interface Caller {
  userId: string;
  plan: string;
  isAdmin: boolean;
  /** The organization active in the caller's session, as the verified token says; null without one. */
  orgId: string | null;
}

type Claims = Record<string, unknown>;

const asRecord = (value: unknown): Claims | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Claims) : undefined;

/**
 * Custom session-token claims carry the user's `public_metadata` as `metadata` (Clerk dashboard:
 * Sessions → Customize session token: `{"metadata": "{{user.public_metadata}}"}`). Clerk billing puts the
 * active plan in `pla` as `u:<slug>` or `o:<slug>`.
 */
export function planFromClaims(claims: Claims, knownPlans: Readonly<Record<string, number>>): string {
  const metadataPlan = asRecord(claims.metadata)?.plan;
  const billingPlan = typeof claims.pla === 'string' ? claims.pla.replace(/^[uo]:/, '') : undefined;
  const plan = typeof metadataPlan === 'string' ? metadataPlan : billingPlan;
  return plan !== undefined && Object.hasOwn(knownPlans, plan) ? plan : 'free';
}

export function isAdminFromClaims(claims: Claims): boolean {
  return asRecord(claims.metadata)?.role === 'admin';
}

/**
 * The session's active organization: `o.id` in Clerk's v2 session tokens, `org_id` in v1. A token names at
 * most one, the one the user has selected, and only when they belong to it.
 */
export function organizationFromClaims(claims: Claims): string | null {
  const v2 = asRecord(claims.o)?.id;
  const id = typeof v2 === 'string' ? v2 : claims.org_id;
  return typeof id === 'string' && id.length > 0 ? id : null;
}

export function callerFromClaims(
  userId: string,
  claims: Claims,
  knownPlans: Readonly<Record<string, number>>,
): Caller {
  return {
    userId,
    plan: planFromClaims(claims, knownPlans),
    isAdmin: isAdminFromClaims(claims),
    orgId: organizationFromClaims(claims),
  };
}
