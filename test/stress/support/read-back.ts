import type pg from 'pg';
import type { ClientState, MemberState, OverwriteRecord } from './mixed-client';

export interface ReadBack {
  /** Acknowledged writes checked against the database. */
  acknowledged: number;
  /** Acknowledged writes the database does not hold (or holds an older value instead of). */
  lost: string[];
  /** Idempotency keys with more than one stored row. */
  duplicated: string[];
  keys: number;
  /** Workshops lacking an owner membership or their ten steps. */
  incomplete: string[];
  workshops: number;
  /**
   * Overwrites where the database holds a write the client was told failed (503 or no answer), sent
   * before the last acknowledged one: it committed after the client gave up on it. Allowed — a 503 may
   * have been committed — and counted.
   */
  lateCommits: number;
  /** Unacknowledged keyed creates that were stored anyway (the client stopped retrying). */
  unacknowledgedStored: number;
}

/**
 * Where an overwritten value may legitimately end: the last acknowledged write or any write sent after
 * it, or an unacknowledged earlier one that committed late. `lost` when it is none of these.
 */
function judgeOverwrite<T>(
  records: readonly OverwriteRecord<T>[],
  stored: T,
): 'ok' | 'late' | 'lost' | 'none' {
  const lastAcked = records.map((record) => record.acked).lastIndexOf(true);
  if (lastAcked < 0) return 'none';
  if (records.slice(lastAcked).some((record) => record.value === stored)) return 'ok';
  const late = records.slice(0, lastAcked).some((record) => !record.acked && record.value === stored);
  return late ? 'late' : 'lost';
}

async function titleCounts(sql: pg.Pool, table: 'workshops' | 'build_packs', run: string) {
  const { rows } = await sql.query<{ title: string; n: number }>(
    `select title, count(*)::int as n from ${table} where title like $1 group by title`,
    [`${run}-%`],
  );
  return new Map(rows.map((row) => [row.title, row.n]));
}

/** Reads every client's writes back from Postgres, directly (not through the app). */
export async function readBack(
  sql: pg.Pool,
  run: string,
  clients: readonly ClientState[],
): Promise<ReadBack> {
  const result: ReadBack = {
    acknowledged: 0,
    lost: [],
    duplicated: [],
    keys: 0,
    incomplete: [],
    workshops: 0,
    lateCommits: 0,
    unacknowledgedStored: 0,
  };
  const stored = {
    workshop: await titleCounts(sql, 'workshops', run),
    pack: await titleCounts(sql, 'build_packs', run),
  };

  for (const client of clients) {
    for (const create of client.creates) {
      result.keys++;
      const n = stored[create.kind].get(create.title) ?? 0;
      if (n > 1) result.duplicated.push(`${create.kind} ${create.key}: ${n} rows`);
      if (create.acked) {
        result.acknowledged++;
        if (n !== 1) result.lost.push(`${create.kind} ${create.key} acknowledged, ${n} rows`);
      } else if (n > 0) result.unacknowledgedStored++;
    }

    const steps = await sql.query<{ step_id: string; status: string; marker: string | null }>(
      `select step_id, status, output ->> 'marker' as marker from workshop_steps where workshop_id = $1`,
      [client.workshopId],
    );
    const byStep = new Map(steps.rows.map((row) => [row.step_id, row]));
    for (const stepId of client.acknowledgedCompletions) {
      result.acknowledged++;
      if (byStep.get(stepId)?.status !== 'complete')
        result.lost.push(`client ${client.index} completion of ${stepId}`);
    }
    for (const [stepId, records] of client.outputs) {
      const verdict = judgeOverwrite(records, byStep.get(stepId)?.marker ?? null);
      tally(result, verdict, `client ${client.index} output of ${stepId}`);
    }

    const members = await sql.query<{ clerk_user_id: string; role: MemberState }>(
      'select clerk_user_id, role from workshop_members where workshop_id = $1',
      [client.workshopId],
    );
    const roles = new Map(members.rows.map((row) => [row.clerk_user_id, row.role]));
    for (const [guest, records] of client.members) {
      tally(
        result,
        judgeOverwrite(records, roles.get(guest) ?? 'absent'),
        `client ${client.index} member ${guest}`,
      );
    }
  }

  const workshops = await sql.query<{ id: string; owners: number; steps: number }>(
    `select w.id,
            (select count(*)::int from workshop_members m
              where m.workshop_id = w.id and m.role = 'owner' and m.clerk_user_id = w.clerk_user_id) as owners,
            (select count(*)::int from workshop_steps s where s.workshop_id = w.id) as steps
       from workshops w`,
  );
  result.workshops = workshops.rows.length;
  for (const row of workshops.rows) {
    if (row.owners !== 1 || row.steps !== 10)
      result.incomplete.push(`${row.id}: ${row.owners} owner, ${row.steps} steps`);
  }
  return result;
}

function tally(result: ReadBack, verdict: ReturnType<typeof judgeOverwrite>, label: string): void {
  if (verdict === 'none') return;
  result.acknowledged++;
  if (verdict === 'late') result.lateCommits++;
  if (verdict === 'lost') result.lost.push(label);
}
