/**
 * The workshop list costs what its page costs: the rows Postgres reads for one page do not grow with the
 * caller's memberships, nor with the database; and the copies that make that possible never drift.
 */
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListParams, workshopListQuery } from '../../src/db/queries/workshops';
import { createTestApp, jsonBody, type TestApp } from '../support/test-app';

let app: TestApp;

const BUSY = 'user_list_busy';
const SMALL = 'user_list_small';

/** Workshops (each with its owner and ten steps) written set-based, as a large database would hold them. */
async function insertWorkshops(prefix: string, count: number, owner: (n: string) => string): Promise<void> {
  const ownerSql = owner('n');
  await app.database.sql.query(`
    with new_workshops as (
      insert into workshops (id, title, original_idea, clerk_user_id, status, updated_at)
      select 'ws_${prefix}' || lpad(n::text, 20, '0'), 'Workshop ' || n, 'An idea', ${ownerSql},
        (array['draft', 'active', 'paused', 'completed'])[1 + n % 4],
        now() - make_interval(mins => n)
      from generate_series(1, ${count}) n
      returning id, clerk_user_id
    ), owners as (
      insert into workshop_members (id, workshop_id, clerk_user_id, role)
      select 'wm_' || substr(id, 4), id, clerk_user_id, 'owner' from new_workshops
    )
    insert into workshop_steps (id, workshop_id, step_id, status, completion, completed_at)
    select 'wst_' || substr(w.id, 4) || d.position, w.id, d.id,
      case when d.position <= 3 then 'complete' else 'not_started' end,
      case when d.position <= 3 then 'ai_confirmed' end,
      case when d.position <= 3 then now() end
    from new_workshops w cross join step_definitions d`);
}

type PlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
};

/** Rows each table's scans went through (returned or filtered away), over every loop. */
function rowsRead(node: PlanNode, totals: Record<string, number> = {}): Record<string, number> {
  const relation = node['Relation Name'];
  if (relation) {
    const read = (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops'];
    totals[relation] = (totals[relation] ?? 0) + read;
  }
  for (const child of node.Plans ?? []) rowsRead(child, totals);
  return totals;
}

function scans(node: PlanNode): string[] {
  const index = node['Index Name'] ? ` using ${node['Index Name']}` : '';
  const here = node['Relation Name'] ? [`${node['Node Type']}${index} on ${node['Relation Name']}`] : [];
  return [...here, ...(node.Plans ?? []).flatMap(scans)];
}

/** The plan of the very statement the list route sends, executed. */
async function explainList(params: ListParams): Promise<PlanNode> {
  const query = new PgDialect().sqlToQuery(workshopListQuery(params));
  const result = await app.database.sql.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
    `explain (analyze, format json) ${query.sql}`,
    query.params,
  );
  const plan = result.rows[0]?.['QUERY PLAN'][0]?.Plan;
  if (!plan) throw new Error('no plan');
  return plan;
}

beforeAll(async () => {
  app = await createTestApp({ WORKSHOP_CAPS: 'free:1000' });
  await insertWorkshops('others', 4_000, (n) => `'user_other_' || (${n} % 500)`);
  await insertWorkshops('busy', 300, () => `'${BUSY}'`);
  await insertWorkshops('small', 20, () => `'${SMALL}'`);
  // The busy caller is also a viewer of 200 workshops of others.
  await app.database.sql.query(`
    insert into workshop_members (id, workshop_id, clerk_user_id, role)
    select 'wm_guest' || n, 'ws_others' || lpad(n::text, 20, '0'), '${BUSY}', 'viewer'
    from generate_series(1, 200) n`);
  await app.database.sql.query('analyze');
}, 120_000);

afterAll(async () => {
  await app?.close();
});

describe('one page of the workshop list', () => {
  it('reads the page rows of memberships and workshops for a caller with 500 memberships, as for one with 20', async () => {
    const busy = rowsRead(await explainList({ userId: BUSY, limit: 20 }));
    const small = rowsRead(await explainList({ userId: SMALL, limit: 20 }));
    expect(busy.workshop_members).toBe(21);
    expect(busy.workshops).toBe(21);
    expect(small.workshop_members).toBe(20);
    expect(small.workshops).toBe(20);
  });

  it('takes the page in order from the membership index: no sort and no scan of all memberships', async () => {
    const plan = await explainList({ userId: BUSY, limit: 100 });
    const memberScans = scans(plan).filter((scan) => scan.endsWith('on workshop_members'));
    expect(memberScans).toEqual(['Index Scan using workshop_members_user_list_idx on workshop_members']);
    expect(rowsRead(plan).workshop_members).toBe(101);
  });

  it('reads only its own rows for a later page and for a status that few workshops have', async () => {
    const first = await app.database.sql.query<{ updated_at: string; workshop_id: string }>(
      `select workshop_updated_at::text as updated_at, workshop_id from workshop_members
       where clerk_user_id = $1 order by workshop_updated_at desc, workshop_id desc offset 249 limit 1`,
      [BUSY],
    );
    const row = first.rows[0];
    if (!row) throw new Error('no membership');
    const after = { updatedAt: new Date(row.updated_at).toISOString(), id: row.workshop_id };
    expect(rowsRead(await explainList({ userId: BUSY, limit: 20, after })).workshop_members).toBe(21);

    // Three of the caller's 500 workshops stay paused.
    await app.database.sql.query(
      `update workshops set status = 'draft' where status = 'paused'
         and id in (select workshop_id from workshop_members where clerk_user_id = $1)
         and id not in (select workshop_id from workshop_members
                        where clerk_user_id = $1 and workshop_status = 'paused' order by workshop_id limit 3)`,
      [BUSY],
    );
    const filtered = rowsRead(await explainList({ userId: BUSY, limit: 20, status: 'paused' }));
    expect(filtered.workshop_members).toBe(3);
    expect(filtered.workshops).toBe(3);
  });
});

describe("a membership's copy of its workshop's activity time and status", () => {
  async function drift(): Promise<number> {
    const result = await app.database.sql.query<{ drift: number }>(
      `select count(*)::int as drift from workshop_members m join workshops w on w.id = m.workshop_id
       where m.workshop_updated_at is distinct from w.updated_at or m.workshop_status is distinct from w.status`,
    );
    return result.rows[0]?.drift ?? -1;
  }

  it('follows every write that moves the workshop, and the list answers in the workshops’ order', async () => {
    const owner = await app.as('user_copy_owner');
    const send = (method: string, path: string, body?: unknown) =>
      app.request(path, { method, ...(body === undefined ? { headers: owner } : jsonBody(body, owner)) });
    const created: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await send('POST', '/api/workshops', { originalIdea: `Idea ${i}` });
      expect(response.status).toBe(201);
      created.push(((await response.json()) as { id: string }).id);
    }
    const [first = '', second = '', third = ''] = created;
    expect(await drift()).toBe(0);

    const writes: [string, string, unknown?][] = [
      ['PUT', `/api/workshops/${first}/steps/challenge/output`, { output: { problem: 'p' } }],
      ['POST', `/api/workshops/${second}/steps/challenge/complete`, { by: 'ai' }],
      ['PATCH', `/api/workshops/${third}`, { title: 'Renamed', status: 'active' }],
      ['PUT', `/api/workshops/${second}/share`],
      ['DELETE', `/api/workshops/${second}/share`],
      ['PUT', `/api/workshops/${first}/members/user_copy_guest`, { role: 'editor' }],
      ['PUT', `/api/workshops/${first}/members/user_copy_guest`, { role: 'viewer' }],
      ['PATCH', `/api/workshops/${third}`, { status: 'paused' }],
      ['DELETE', `/api/workshops/${first}/members/user_copy_guest`],
    ];
    for (const [method, path, body] of writes) {
      const response = await send(method, path, body);
      expect(response.status, `${method} ${path}`).toBeLessThan(300);
      expect(await drift(), `${method} ${path}`).toBe(0);
    }

    const list = await send('GET', '/api/workshops?limit=10');
    const page = (await list.json()) as { items: { id: string; status: string }[] };
    const expected = await app.database.sql.query<{ id: string; status: string }>(
      `select id, status from workshops where clerk_user_id = 'user_copy_owner' order by updated_at desc, id desc`,
    );
    expect(page.items.map(({ id, status }) => ({ id, status }))).toEqual(expected.rows);
    expect(page.items[0]?.id).toBe(first);
  });

  it('lets membership changes and step saves on one workshop run at once without a deadlock', async () => {
    const owner = await app.as('user_lock_owner');
    const created = await app.request('/api/workshops', {
      method: 'POST',
      ...jsonBody({ originalIdea: 'Locks taken in one order' }, owner),
    });
    const { id } = (await created.json()) as { id: string };
    const statuses: number[] = [];
    for (let round = 0; round < 15; round++) {
      const answers = await Promise.all([
        ...Array.from({ length: 4 }, (_, k) =>
          app.request(`/api/workshops/${id}/members/user_lock_guest_${k}`, {
            method: 'PUT',
            ...jsonBody({ role: round % 2 === 0 ? 'editor' : 'viewer' }, owner),
          }),
        ),
        ...Array.from({ length: 4 }, (_, k) =>
          app.request(`/api/workshops/${id}/steps/challenge/output`, {
            method: 'PUT',
            ...jsonBody({ output: { round, k } }, owner),
          }),
        ),
      ]);
      statuses.push(...answers.map((answer) => answer.status));
    }
    expect(statuses.filter((status) => status >= 300)).toEqual([]);
    expect(await drift()).toBe(0);
  }, 120_000);
});
