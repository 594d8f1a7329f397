/** Roles are free text in the database so that new ones need no migration; these are the ones the API grants today. */
export const ASSIGNABLE_ROLES = ['owner', 'editor', 'viewer'] as const;
export type Role = (typeof ASSIGNABLE_ROLES)[number];

export type Requirement = 'member' | 'editor' | 'owner';

const ROLES_MEETING: Record<Requirement, readonly string[]> = {
  member: ['owner', 'editor', 'viewer'],
  editor: ['owner', 'editor'],
  owner: ['owner'],
};

export function meets(role: string, requirement: Requirement): boolean {
  return ROLES_MEETING[requirement].includes(role);
}
