/*
 * What a request reads: its statements, exactly as the endpoint received them, run under
 * EXPLAIN (ANALYZE, BUFFERS) just before the endpoint runs them (so on the very state the request meets), in
 * a transaction that is rolled back. Three figures come out of the plans:
 * - buffers: the plan root's shared blocks, hit + read: every page the statement touched, cached or not, so
 *   a warm or cold cache does not change it (planning and AFTER-trigger work are outside the plan's counts,
 *   the same on both sides of every comparison);
 * - rows: the rows every table scan went through, returned or filtered away, over all its loops;
 * - descents: how many times each B-tree was entered from its root: one per index scan loop, and for writes
 *   one per row inserted or updated per index of the table (an upper bound: a HOT update enters none), so
 *   the extra pages a taller tree costs on a larger database can be told apart from reading more data.
 */
import type pg from 'pg';
import type { LoggedRequest } from '../../scripts/local-stack/sql-endpoint';
import type { BenchEnvironment } from '../environment';

type PlanNode = {
  'Node Type': string;
  Operation?: string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  Plans?: PlanNode[];
};

export interface ReadCost {
  buffers: number;
  rows: number;
  descents: Map<string, number>;
}

export const noCost = (): ReadCost => ({ buffers: 0, rows: 0, descents: new Map() });

/** Each table's B-tree indexes, which every inserted (or non-HOT updated) row enters. */
export type TableIndexes = Map<string, string[]>;

export async function tableIndexes(client: pg.Client): Promise<TableIndexes> {
  const result = await client.query<{ table_name: string; indexes: string[] }>(`
    select t.relname as table_name, array_agg(i.relname::text) as indexes
    from pg_index x join pg_class t on t.oid = x.indrelid join pg_class i on i.oid = x.indexrelid
    where t.relnamespace = 'public'::regnamespace group by t.relname`);
  return new Map(result.rows.map((row) => [row.table_name, row.indexes]));
}

const INDEX_SCANS = new Set(['Index Scan', 'Index Only Scan', 'Bitmap Index Scan']);

const addDescents = (cost: ReadCost, index: string, count: number) =>
  cost.descents.set(index, (cost.descents.get(index) ?? 0) + count);

function addNode(node: PlanNode, cost: ReadCost, indexes: TableIndexes): void {
  const relation = node['Relation Name'];
  if (node['Node Type'] === 'ModifyTable') {
    if (relation && (node.Operation === 'Insert' || node.Operation === 'Update')) {
      const written = (node.Plans ?? []).reduce(
        (sum, child) => sum + child['Actual Rows'] * child['Actual Loops'],
        0,
      );
      for (const index of indexes.get(relation) ?? []) addDescents(cost, index, written);
    }
  } else if (relation) {
    cost.rows += (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops'];
  }
  const index = node['Index Name'];
  if (index && INDEX_SCANS.has(node['Node Type'])) addDescents(cost, index, node['Actual Loops']);
  for (const child of node.Plans ?? []) addNode(child, cost, indexes);
}

async function addStatement(
  client: pg.Client,
  indexes: TableIndexes,
  query: string,
  params: unknown[],
  cost: ReadCost,
): Promise<void> {
  const result = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
    `explain (analyze, buffers, format json) ${query}`,
    params,
  );
  const plan = result.rows[0]?.['QUERY PLAN'][0]?.Plan;
  if (!plan) throw new Error('EXPLAIN returned no plan');
  cost.buffers += plan['Shared Hit Blocks'] + plan['Shared Read Blocks'];
  addNode(plan, cost, indexes);
}

export async function addRequestCost(
  client: pg.Client,
  indexes: TableIndexes,
  request: LoggedRequest,
  cost: ReadCost,
): Promise<void> {
  await client.query('begin');
  try {
    for (const statement of request.statements) {
      await addStatement(client, indexes, statement.query, statement.params, cost);
    }
  } finally {
    await client.query('rollback');
  }
}

/** The level of every B-tree's root (0 when the root is the only page), read from the metapages. */
export async function btreeLevels(client: pg.Client): Promise<Map<string, number>> {
  await client.query('create extension if not exists pageinspect');
  const result = await client.query<{ name: string; level: number }>(`
    select c.relname as name, (bt_metap(c.oid::regclass::text)).level as level
    from pg_class c join pg_am a on a.oid = c.relam
    where a.amname = 'btree' and c.relnamespace = 'public'::regnamespace`);
  return new Map(result.rows.map((row) => [row.name, Number(row.level)]));
}

/** The pages a request's descents cost more because the trees grew taller between two snapshots of levels. */
export function deeperTreePages(
  descents: Map<string, number>,
  before: Map<string, number>,
  after: Map<string, number>,
): number {
  let pages = 0;
  for (const [index, count] of descents) {
    pages += count * Math.max(0, (after.get(index) ?? 0) - (before.get(index) ?? 0));
  }
  return pages;
}

/** Counts what every statement the app sends to the bench database while `action` runs. */
export async function countBuffers(
  env: BenchEnvironment,
  client: pg.Client,
  indexes: TableIndexes,
  action: () => Promise<unknown>,
): Promise<{ cost: ReadCost; statements: LoggedRequest[] }> {
  const cost = noCost();
  const { requests } = await env.recordStatements(action, {
    beforeRun: (request) => addRequestCost(client, indexes, request, cost),
  });
  return { cost, statements: requests };
}

/** The text plan of one recorded statement (rolled back), for the report. */
export async function explainText(client: pg.Client, query: string, params: unknown[]): Promise<string[]> {
  await client.query('begin');
  try {
    const result = await client.query<{ 'QUERY PLAN': string }>(
      `explain (analyze, buffers, costs off, timing off, summary off) ${query}`,
      params,
    );
    return result.rows.map((row) => row['QUERY PLAN']);
  } finally {
    await client.query('rollback');
  }
}
