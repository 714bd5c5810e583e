import type { Queryable } from '../store/db.ts';
import { MERGE_PAIRS, mergePairParams, type MergePair } from './merge-pairs.ts';

/** A row of `promo_codes`: one code of one source, issued to a profile (customer_key) or to no one. */
export interface PromoCodeRow {
  source_name: string;
  code: string;
  customer_key: string | null;
  promo_id: string | null;
  status: string | null;
  discount: number | null;
  issued_at: string | null;
  used_at: string | null;
  expires_at: string | null;
  event_seq: number;
  updated_at: string;
}

/**
 * Writes to `promo_codes`. Issued and unissued codes come by two paths
 * (profile changes and records) into the same row; the later event (by
 * sequence) wins whichever path it took.
 */
export async function upsertPromoCodes(tx: Queryable, workspaceId: string, rows: readonly PromoCodeRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO promo_codes AS p (workspace_id, source_name, code, customer_key, promo_id, status, discount, issued_at, used_at,
                                  expires_at, event_seq, updated_at)
     SELECT $1, r.source_name, r.code, r.customer_key, r.promo_id, r.status, r.discount, r.issued_at, r.used_at, r.expires_at,
            r.event_seq, r.updated_at
       FROM json_to_recordset($2::json) AS r(source_name text, code text, customer_key text, promo_id text, status text,
            discount numeric, issued_at timestamptz, used_at timestamptz, expires_at timestamptz, event_seq bigint,
            updated_at timestamptz)
     ON CONFLICT (workspace_id, source_name, code) DO UPDATE SET
       customer_key = EXCLUDED.customer_key, promo_id = EXCLUDED.promo_id, status = EXCLUDED.status,
       discount = EXCLUDED.discount, issued_at = EXCLUDED.issued_at, used_at = EXCLUDED.used_at,
       expires_at = EXCLUDED.expires_at, event_seq = EXCLUDED.event_seq, updated_at = EXCLUDED.updated_at
     WHERE EXCLUDED.event_seq >= p.event_seq`,
    [workspaceId, JSON.stringify(rows)],
  );
}

/** A merge: the merged profile's codes are the target's now (a code has one row, so nothing collides). */
export async function movePromoCodes(tx: Queryable, workspaceId: string, pairs: readonly MergePair[]): Promise<void> {
  await tx.query(
    `UPDATE promo_codes p SET customer_key = m.into_key FROM ${MERGE_PAIRS} WHERE p.workspace_id = $1 AND p.customer_key = m.from_key`,
    mergePairParams(workspaceId, pairs),
  );
}
