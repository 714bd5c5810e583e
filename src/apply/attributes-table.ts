import type { Queryable } from '../store/db.ts';
import { MERGE_PAIRS, mergePairParams, type MergePair } from './merge-pairs.ts';
import type { AttributeChangeRow, AttributeRow } from './reduce-segment.ts';

/**
 * Writes to `attributes` and `attribute_changes`. The current value is the
 * one with the latest change time (then the latest event), whatever order
 * the changes arrive in.
 */
export async function upsertAttributes(tx: Queryable, workspaceId: string, rows: readonly AttributeRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO attributes AS a (workspace_id, customer_key, code, attribute_id, user_attribute_type, value, changed_at,
                                 event_seq, activity_uid, lookup_kind, lookup_value)
     SELECT $1, r.customer_key, r.code, r.attribute_id, r.user_attribute_type, r.value, r.changed_at, r.event_seq,
            r.activity_uid, r.lookup_kind, r.lookup_value
       FROM json_to_recordset($2::json) AS r(customer_key text, code text, attribute_id text, user_attribute_type text,
            value text, changed_at timestamptz, event_seq bigint, activity_uid text, lookup_kind text, lookup_value text)
     ON CONFLICT (workspace_id, customer_key, code) DO UPDATE SET
       attribute_id = EXCLUDED.attribute_id,
       user_attribute_type = EXCLUDED.user_attribute_type,
       value = EXCLUDED.value,
       changed_at = EXCLUDED.changed_at,
       event_seq = EXCLUDED.event_seq,
       activity_uid = EXCLUDED.activity_uid,
       lookup_kind = EXCLUDED.lookup_kind,
       lookup_value = EXCLUDED.lookup_value
     WHERE (EXCLUDED.changed_at, EXCLUDED.event_seq) >= (a.changed_at, a.event_seq)`,
    [workspaceId, JSON.stringify(rows)],
  );
}

export async function insertAttributeChanges(tx: Queryable, workspaceId: string, rows: readonly AttributeChangeRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO attribute_changes (workspace_id, event_seq, customer_key, code, old_value, new_value, changed_at, activity_uid,
                                    from_batch_operation)
     SELECT $1, r.event_seq, r.customer_key, r.code, r.old_value, r.new_value, r.changed_at, r.activity_uid, r.from_batch_operation
       FROM json_to_recordset($2::json) AS r(event_seq bigint, customer_key text, code text, old_value text, new_value text,
            changed_at timestamptz, activity_uid text, from_batch_operation boolean)
     ON CONFLICT DO NOTHING`,
    [workspaceId, JSON.stringify(rows)],
  );
}

/**
 * Moves a merged profile's attributes to the target. Where both have the same
 * attribute, the later change wins and the other is dropped (its history
 * stays in attribute_changes, which moves whole).
 */
export async function moveAttributes(tx: Queryable, workspaceId: string, pairs: readonly MergePair[]): Promise<void> {
  const params = mergePairParams(workspaceId, pairs);
  await tx.query(
    `DELETE FROM attributes f USING attributes t, ${MERGE_PAIRS}
      WHERE f.workspace_id = $1 AND f.customer_key = m.from_key AND t.workspace_id = $1 AND t.customer_key = m.into_key AND t.code = f.code
        AND (t.changed_at, t.event_seq) >= (f.changed_at, f.event_seq)`,
    params,
  );
  await tx.query(
    `DELETE FROM attributes t USING attributes f, ${MERGE_PAIRS}
      WHERE t.workspace_id = $1 AND t.customer_key = m.into_key AND f.workspace_id = $1 AND f.customer_key = m.from_key AND f.code = t.code`,
    params,
  );
  await tx.query(`UPDATE attributes a SET customer_key = m.into_key FROM ${MERGE_PAIRS} WHERE a.workspace_id = $1 AND a.customer_key = m.from_key`, params);
  await tx.query(
    `UPDATE attribute_changes a SET customer_key = m.into_key FROM ${MERGE_PAIRS} WHERE a.workspace_id = $1 AND a.customer_key = m.from_key`,
    params,
  );
}
