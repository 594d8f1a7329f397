/*
 * A large database written set-based, straight into Postgres (through the same constraints, foreign keys and
 * triggers as the app's writes): workshops of many users, each with its owner and ten steps, extra members on
 * a fifth of them, sessions and build packs, and realistic outputs (~2.5 KB of JSON) on 30% of the steps.
 * Also the bench's two list callers: one at the team cap (500 workshops) and one with 20.
 */
import type pg from 'pg';
import { prose } from '../seed';

/** A step output of about 2.5 KB, as the API stores it (JSON.stringify's text). */
export function realisticOutput(seed: number): string {
  return JSON.stringify({
    summary: prose(seed, 50),
    items: Array.from({ length: 4 }, (_, index) => ({
      title: prose(seed + index + 1, 5),
      detail: prose(seed + index + 101, 32),
      priority: (['high', 'medium', 'low'] as const)[index % 3],
    })),
    openQuestions: [prose(seed + 7, 12), prose(seed + 8, 14)],
    confidence: 0.6 + (seed % 4) * 0.1,
    nextAction: prose(seed + 9, 16),
  });
}

export interface WorkshopBatch {
  /** Lower-case letters, unique per batch: ids are `<prefix>_<tag><digits>`, 24 characters after the prefix. */
  tag: string;
  count: number;
  /** The owner of workshop `n` (1-based), as SQL. */
  owner: string;
  /** A fifth of the workshops get one more member (editor or viewer) among `members` users. */
  extraMembers?: { users: number };
}

const OUTPUT_VARIANTS = 1000;

/** The statements that write one batch, each set-based over generate_series. */
function batchStatements({ tag, count, owner, extraMembers }: WorkshopBatch): [string, string][] {
  const digits = 24 - tag.length;
  const workshopId = `'ws_${tag}' || lpad(n::text, ${digits}, '0')`;
  // Child ids: a letter that names the child, then the workshop id without "ws_" and the tag's first letter.
  const childId = (prefix: string, letter: string) => `'${prefix}_${letter}' || substr(${workshopId}, 5)`;
  const series = `generate_series(1, ${count}) n`;
  const statements: [string, string][] = [
    [
      'workshops',
      `insert into workshops (id, title, original_idea, clerk_user_id, status, visibility, share_token, created_at, updated_at)
       select ${workshopId}, 'Workshop ' || n || ': meals for shift workers',
         'An app that helps shift workers eat well: batch cooking, reminders and a canteen map (' || n || ')',
         ${owner}, (array['draft', 'active', 'active', 'paused', 'completed'])[1 + n % 5],
         case when n % 10 = 0 then 'shared' else 'private' end,
         case when n % 10 = 0 then 'shr${tag}' || lpad(n::text, ${40 - tag.length}, '0') end,
         now() - make_interval(secs => (n * 7919) % 7776000) - interval '1 day',
         now() - make_interval(secs => (n * 7919) % 7776000)
       from ${series}`,
    ],
    [
      'owners',
      `insert into workshop_members (id, workshop_id, clerk_user_id, role)
       select ${childId('mem', 'o')}, ${workshopId}, ${owner}, 'owner' from ${series}`,
    ],
    [
      'steps',
      // k = n % 11 steps complete, the next one in progress; outputs on started steps, ~30% of all steps.
      `insert into workshop_steps (id, workshop_id, step_id, status, output, completion, started_at, completed_at)
       select ${childId('wst', "' || chr(96 + d.position) || '")}, ${workshopId}, d.id,
         case when d.position <= n % 11 then 'complete' when d.position = n % 11 + 1 then 'in_progress'
              else 'not_started' end,
         case when d.position <= n % 11 + 1 and (n + d.position) % 2 = 0 then o.output::json end,
         case when d.position <= n % 11 then
           case when d.position % 4 = 0 then 'user_skipped' else 'ai_confirmed' end end,
         case when d.position <= n % 11 + 1 then now() - interval '2 days' end,
         case when d.position <= n % 11 then now() - interval '1 day' end
       from ${series} cross join step_definitions d
       join bench_outputs o on o.k = 1 + (n * 10 + d.position) % ${OUTPUT_VARIANTS}`,
    ],
    [
      'sessions',
      `insert into sessions (id, workshop_id, started_at, ended_at)
       select ${childId('ses', "' || chr(96 + s) || '")}, ${workshopId},
         now() - make_interval(hours => s * 30 + n % 24),
         case when s = 1 then now() - make_interval(hours => s * 30 + n % 24 - 1) end
       from ${series} cross join generate_series(1, 2) s`,
    ],
    [
      'build packs',
      `insert into build_packs (id, workshop_id, title, format_type)
       select ${childId('bp', 'p')}, ${workshopId}, 'Build pack ' || n,
         (array['markdown', 'json', 'pdf'])[1 + n % 3]
       from ${series} where n % 2 = 0`,
    ],
  ];
  if (extraMembers) {
    statements.push([
      'extra members',
      `insert into workshop_members (id, workshop_id, clerk_user_id, role)
       select ${childId('mem', 'x')}, ${workshopId}, 'user_${tag}_' || ((n * 7 + 3) % ${extraMembers.users}),
         case when n % 2 = 0 then 'editor' else 'viewer' end
       from ${series} where n % 5 = 0
       on conflict (workshop_id, clerk_user_id) do nothing`,
    ]);
  }
  return statements;
}

export interface BulkSeedResult {
  seconds: number;
  perStatementSeconds: Record<string, number>;
  rows: Record<string, number>;
  databaseMiB: number;
}

/** Writes the batches, then VACUUM ANALYZE, as a database that has been live for a while would be. */
export async function bulkSeed(
  client: pg.Client,
  batches: readonly WorkshopBatch[],
): Promise<BulkSeedResult> {
  const started = performance.now();
  const perStatementSeconds: Record<string, number> = {};
  const timed = async (label: string, text: string, values: unknown[] = []) => {
    const at = performance.now();
    await client.query(text, values);
    perStatementSeconds[label] = (perStatementSeconds[label] ?? 0) + (performance.now() - at) / 1000;
  };
  await client.query('set synchronous_commit = off');
  const outputs = Array.from({ length: OUTPUT_VARIANTS }, (_, k) => realisticOutput(k + 1));
  await timed(
    'outputs',
    `create temp table bench_outputs as
       select k::int, value as output from unnest($1::text[]) with ordinality as t(value, k)`,
    [outputs],
  );
  for (const batch of batches) {
    for (const [label, statement] of batchStatements(batch)) await timed(label, statement);
  }
  await timed('vacuum analyze', 'vacuum analyze');
  const counts = await client.query<Record<string, number>>(`select
    (select count(*)::int from workshops) as workshops,
    (select count(*)::int from workshop_members) as memberships,
    (select count(*)::int from workshop_steps) as steps,
    (select count(*)::int from workshop_steps where output is not null) as outputs,
    (select count(*)::int from sessions) as sessions,
    (select count(*)::int from build_packs) as packs,
    (pg_database_size(current_database()) / 1048576)::int as mib`);
  const { mib, ...rows } = counts.rows[0] ?? {};
  return {
    seconds: (performance.now() - started) / 1000,
    perStatementSeconds,
    rows: Object.fromEntries(Object.entries(rows).map(([key, value]) => [key, Number(value)])),
    databaseMiB: Number(mib),
  };
}
