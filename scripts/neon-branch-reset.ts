export interface NeonResetOptions {
  apiKey: string;
  projectId: string;
  branchId: string;
  apiBase?: string;
  log?: (line: string) => void;
}

interface NeonBranch {
  id: string;
  name: string;
  parent_id?: string;
  default?: boolean;
  protected?: boolean;
}

const PROTECTED_NAMES = new Set(['main', 'master', 'production', 'prod']);

/** Restores a development branch to its parent's current state through Neon's API, refusing anything production-like. */
export async function resetNeonBranch(options: NeonResetOptions): Promise<void> {
  const log = options.log ?? console.log;
  const api = options.apiBase ?? 'https://console.neon.tech/api/v2';
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${options.apiKey}`,
        Accept: 'application/json',
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok)
      throw new Error(`Neon API ${method} ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };

  log(`1/4 reading branch ${options.branchId} of project ${options.projectId}`);
  const { branch } = (await call('GET', `/projects/${options.projectId}/branches/${options.branchId}`)) as {
    branch: NeonBranch;
  };
  if (branch.default)
    throw new Error(`refusing to reset "${branch.name}": it is the project's default branch`);
  if (branch.protected) throw new Error(`refusing to reset "${branch.name}": it is a protected branch`);
  if (PROTECTED_NAMES.has(branch.name.toLowerCase())) {
    throw new Error(`refusing to reset "${branch.name}": the name says production`);
  }
  if (!branch.parent_id)
    throw new Error(`refusing to reset "${branch.name}": it has no parent to restore from`);

  log(`2/4 restoring "${branch.name}" from its parent ${branch.parent_id}`);
  await call('POST', `/projects/${options.projectId}/branches/${options.branchId}/restore`, {
    source_branch_id: branch.parent_id,
    preserve_under_name: `${branch.name}-before-reset-${new Date().toISOString().replaceAll(/[:.]/g, '-')}`,
  });
  log('3/4 restore requested');
}
