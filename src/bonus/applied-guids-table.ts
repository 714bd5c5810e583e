import type { Queryable } from '../store/db.ts';
import type { BatchPlan } from './plan-batch.ts';

/** All SQL over `bonus_applied_guids`: one operation per guid. */

/** Which of these guids an add item has already succeeded with. */
export async function findAppliedGuids(tx: Queryable, workspaceId: string, guids: Iterable<string>): Promise<Set<string>> {
  const list = [...new Set(guids)];
  if (list.length === 0) return new Set();
  const result = await tx.query<{ guid: string }>(
    // One probe of the key per guid (a LATERAL ... LIMIT is never turned into
    // a join), whatever the statistics say: a scan would grow with every
    // guid ever applied.
    `SELECT g.guid FROM json_array_elements_text($2::json) AS g (guid)
      CROSS JOIN LATERAL (SELECT 1 FROM bonus_applied_guids a WHERE a.workspace_id = $1 AND a.guid = g.guid LIMIT 1) AS applied`,
    [workspaceId, JSON.stringify(list)],
  );
  return new Set(result.rows.map((r) => r.guid));
}

export async function insertAppliedGuids(tx: Queryable, workspaceId: string, applied: BatchPlan['appliedGuids']): Promise<void> {
  if (applied.length === 0) return;
  await tx.query(
    `INSERT INTO bonus_applied_guids (workspace_id, guid, command_id, item_no)
     SELECT $1, r.guid, r.command_id, r.item_no FROM json_to_recordset($2::json) AS r(guid text, command_id uuid, item_no integer)`,
    [workspaceId, JSON.stringify(applied.map((a) => ({ guid: a.guid, command_id: a.commandId, item_no: a.itemNo })))],
  );
}
