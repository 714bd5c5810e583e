import type { Queryable } from '../store/db.ts';
import { MERGE_PAIRS, mergePairParams, type MergePair } from './merge-pairs.ts';

/** A row of `imported_bonus_balances`: a profile's balance as one source keeps it. */
export interface ImportedBonusBalanceRow {
  customer_key: string;
  source_name: string;
  balance: number;
  pending: number | null;
  as_of: string;
  event_seq: number;
  updated_at: string;
}

/**
 * Writes to `imported_bonus_balances`: the balance with the latest as_of
 * (then the latest event) stays, whatever order the rows are read in, so a
 * look-back or a late row with an older date never overwrites a newer one.
 */
export async function upsertImportedBonusBalances(tx: Queryable, workspaceId: string, rows: readonly ImportedBonusBalanceRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO imported_bonus_balances AS b (workspace_id, customer_key, source_name, balance, pending, as_of, event_seq, updated_at)
     SELECT $1, r.customer_key, r.source_name, r.balance, r.pending, r.as_of, r.event_seq, r.updated_at
       FROM json_to_recordset($2::json) AS r(customer_key text, source_name text, balance numeric, pending numeric,
            as_of timestamptz, event_seq bigint, updated_at timestamptz)
     ON CONFLICT (workspace_id, customer_key, source_name) DO UPDATE SET
       balance = EXCLUDED.balance, pending = EXCLUDED.pending, as_of = EXCLUDED.as_of, event_seq = EXCLUDED.event_seq,
       updated_at = EXCLUDED.updated_at
     WHERE (EXCLUDED.as_of, EXCLUDED.event_seq) >= (b.as_of, b.event_seq)`,
    [workspaceId, JSON.stringify(rows)],
  );
}

/**
 * A merge: the merged profile's balances move to the target. Where both
 * hold a balance from the same source, the newer one (as_of, then event)
 * stays and the other is dropped, as the upsert would have decided.
 */
export async function moveImportedBonusBalances(tx: Queryable, workspaceId: string, pairs: readonly MergePair[]): Promise<void> {
  const params = mergePairParams(workspaceId, pairs);
  await tx.query(
    `DELETE FROM imported_bonus_balances f USING imported_bonus_balances t, ${MERGE_PAIRS}
      WHERE f.workspace_id = $1 AND f.customer_key = m.from_key AND t.workspace_id = $1 AND t.customer_key = m.into_key
        AND t.source_name = f.source_name AND (t.as_of, t.event_seq) >= (f.as_of, f.event_seq)`,
    params,
  );
  await tx.query(
    `DELETE FROM imported_bonus_balances t USING imported_bonus_balances f, ${MERGE_PAIRS}
      WHERE t.workspace_id = $1 AND t.customer_key = m.into_key AND f.workspace_id = $1 AND f.customer_key = m.from_key
        AND f.source_name = t.source_name`,
    params,
  );
  await tx.query(
    `UPDATE imported_bonus_balances b SET customer_key = m.into_key FROM ${MERGE_PAIRS} WHERE b.workspace_id = $1 AND b.customer_key = m.from_key`,
    params,
  );
}
