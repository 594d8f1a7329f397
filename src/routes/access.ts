import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { meets, type Requirement } from '../domain/roles';
import { ApiError, notFound } from '../http/api-error';

/**
 * What an action on a workshop's resource needs: the role, and what a caller hears without it. A non-member
 * is told the resource does not exist, exactly as for a missing id; a member below the role gets 403.
 */
export type RoleRule =
  /** `resource` is named in the 404, e.g. `workshop` or `step`. */
  | { resource: string; needs: 'member' }
  /** `refusal` is the 403's detail, e.g. "Editing a workshop needs the editor role." */
  | { resource: string; needs: Exclude<Requirement, 'member'>; refusal: string };

/** 404 for a non-member (no role), 403 for a role below the rule's; otherwise the caller may go on. */
export function requireRole(role: string | null | undefined, rule: RoleRule): asserts role is string {
  if (!role) throw notFound(rule.resource);
  if (rule.needs !== 'member' && !meets(role, rule.needs)) throw new ApiError('forbidden', rule.refusal);
}

/** The value, or 404 naming `resource` when the caller cannot see it (missing and not a member alike). */
export function requireFound<T>(value: T | null | undefined, resource: string): T {
  if (value === null || value === undefined) throw notFound(resource);
  return value;
}

/**
 * After `requireRole` passed, a statement that wrote nothing lost a race with a request that deleted the
 * resource in between: 404, as the caller would now see.
 */
export function requireWritten(changed: boolean, resource: string): void {
  if (!changed) throw notFound(resource);
}

/** The route's parameters scoped to the signed-in caller, as every member-only query takes them. */
export function callerScope<Params extends object>(
  c: Context<AppEnv>,
  params: Params,
): Params & { userId: string } {
  return { ...params, userId: c.get('caller').userId };
}
