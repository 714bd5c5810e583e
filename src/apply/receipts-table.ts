import type { Queryable } from '../store/db.ts';
import { MERGE_PAIRS, mergePairParams, type MergePair } from './merge-pairs.ts';
import type { ReceiptRow } from './reduce-segment.ts';

/**
 * Writes to `purchases` and `refunds`. A purchase or refund sent again with
 * changed content (a model update) replaces the stored one.
 */
// The receipt columns purchases and refunds share, as json_to_recordset reads them and as the tables name them.
const RECEIPT_COLUMNS = `external_purchase_id text, cheque_number text, amount numeric, occurred_at timestamptz, operation_type text,
  merchant_id text, merchant_uid text, merchant_code text, device_code text, identity text, cashier_identifier text,
  description text, location_id text, partner_id text, brand_id text, currency_external_id text,
  items json, withdraws json, rewards json, purchase_attributes json`;
const RECEIPT_NAMES = RECEIPT_COLUMNS.split(',').map((column) => column.trim().split(/\s+/)[0]!);
const names = RECEIPT_NAMES.join(', ');
const fromRows = RECEIPT_NAMES.map((name) => `r.${name}`).join(', ');
const replaced = RECEIPT_NAMES.map((name) => `${name} = EXCLUDED.${name}`).join(', ');

export async function upsertPurchases(tx: Queryable, workspaceId: string, rows: readonly ReceiptRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO purchases AS p (workspace_id, source, purchase_id, customer_key, event_seq, ${names})
     SELECT $1, r.source, r.id, r.customer_key, r.event_seq, ${fromRows}
       FROM json_to_recordset($2::json) AS r(source text, id text, customer_key text, event_seq bigint, ${RECEIPT_COLUMNS})
     ON CONFLICT (workspace_id, source, purchase_id) DO UPDATE SET
       customer_key = EXCLUDED.customer_key, event_seq = EXCLUDED.event_seq, ${replaced}
     WHERE EXCLUDED.event_seq >= p.event_seq`,
    [workspaceId, JSON.stringify(rows)],
  );
}

export async function upsertRefunds(tx: Queryable, workspaceId: string, rows: readonly ReceiptRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO refunds AS f (workspace_id, source, refund_id, customer_key, event_seq, refunded_purchase_id,
                              refunded_external_purchase_id, ${names})
     SELECT $1, r.source, r.id, r.customer_key, r.event_seq, r.refunded_purchase_id, r.refunded_external_purchase_id, ${fromRows}
       FROM json_to_recordset($2::json) AS r(source text, id text, customer_key text, event_seq bigint, ${RECEIPT_COLUMNS},
            refunded_purchase_id text, refunded_external_purchase_id text)
     ON CONFLICT (workspace_id, source, refund_id) DO UPDATE SET
       customer_key = EXCLUDED.customer_key, event_seq = EXCLUDED.event_seq, refunded_purchase_id = EXCLUDED.refunded_purchase_id,
       refunded_external_purchase_id = EXCLUDED.refunded_external_purchase_id, ${replaced}
     WHERE EXCLUDED.event_seq >= f.event_seq`,
    [workspaceId, JSON.stringify(rows)],
  );
}

export async function moveReceipts(tx: Queryable, workspaceId: string, pairs: readonly MergePair[]): Promise<void> {
  const params = mergePairParams(workspaceId, pairs);
  await tx.query(`UPDATE purchases p SET customer_key = m.into_key FROM ${MERGE_PAIRS} WHERE p.workspace_id = $1 AND p.customer_key = m.from_key`, params);
  await tx.query(`UPDATE refunds f SET customer_key = m.into_key FROM ${MERGE_PAIRS} WHERE f.workspace_id = $1 AND f.customer_key = m.from_key`, params);
}
