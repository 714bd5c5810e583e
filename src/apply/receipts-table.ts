import type { Queryable } from '../store/db.ts';
import type { ReceiptRow } from './reduce-segment.ts';

/**
 * Writes to `purchases` and `refunds`. A purchase or refund sent again with
 * changed content (a model update) replaces the stored one.
 */
const RECEIPT_COLUMNS = `external_purchase_id text, cheque_number text, amount numeric, occurred_at timestamptz,
  merchant_id text, device_code text, description text, currency_external_id text, items json, withdraws json, rewards json`;

export async function upsertPurchases(tx: Queryable, workspaceId: string, rows: readonly ReceiptRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO purchases AS p (workspace_id, source, purchase_id, customer_key, external_purchase_id, cheque_number, amount,
                                occurred_at, operation_type, merchant_id, merchant_uid, merchant_code, device_code, identity,
                                cashier_identifier, description, location_id, partner_id, brand_id, currency_external_id,
                                items, withdraws, rewards, purchase_attributes, event_seq)
     SELECT $1, r.source, r.id, r.customer_key, r.external_purchase_id, r.cheque_number, r.amount, r.occurred_at,
            r.operation_type, r.merchant_id, r.merchant_uid, r.merchant_code, r.device_code, r.identity,
            r.cashier_identifier, r.description, r.location_id, r.partner_id, r.brand_id, r.currency_external_id,
            r.items, r.withdraws, r.rewards, r.purchase_attributes, r.event_seq
       FROM json_to_recordset($2::json) AS r(source text, id text, customer_key text, event_seq bigint, ${RECEIPT_COLUMNS},
            operation_type text, merchant_uid text, merchant_code text, identity text, cashier_identifier text,
            location_id text, partner_id text, brand_id text, purchase_attributes json)
     ON CONFLICT (workspace_id, source, purchase_id) DO UPDATE SET
       customer_key = EXCLUDED.customer_key, external_purchase_id = EXCLUDED.external_purchase_id,
       cheque_number = EXCLUDED.cheque_number, amount = EXCLUDED.amount, occurred_at = EXCLUDED.occurred_at,
       operation_type = EXCLUDED.operation_type, merchant_id = EXCLUDED.merchant_id, merchant_uid = EXCLUDED.merchant_uid,
       merchant_code = EXCLUDED.merchant_code, device_code = EXCLUDED.device_code, identity = EXCLUDED.identity,
       cashier_identifier = EXCLUDED.cashier_identifier, description = EXCLUDED.description,
       location_id = EXCLUDED.location_id, partner_id = EXCLUDED.partner_id, brand_id = EXCLUDED.brand_id,
       currency_external_id = EXCLUDED.currency_external_id, items = EXCLUDED.items, withdraws = EXCLUDED.withdraws,
       rewards = EXCLUDED.rewards, purchase_attributes = EXCLUDED.purchase_attributes, event_seq = EXCLUDED.event_seq
     WHERE EXCLUDED.event_seq >= p.event_seq`,
    [workspaceId, JSON.stringify(rows)],
  );
}

export async function upsertRefunds(tx: Queryable, workspaceId: string, rows: readonly ReceiptRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO refunds AS f (workspace_id, source, refund_id, customer_key, refunded_purchase_id,
                              refunded_external_purchase_id, external_purchase_id, cheque_number, amount, occurred_at,
                              merchant_id, device_code, description, currency_external_id, items, withdraws, rewards, event_seq)
     SELECT $1, r.source, r.id, r.customer_key, r.refunded_purchase_id, r.refunded_external_purchase_id,
            r.external_purchase_id, r.cheque_number, r.amount, r.occurred_at, r.merchant_id, r.device_code, r.description,
            r.currency_external_id, r.items, r.withdraws, r.rewards, r.event_seq
       FROM json_to_recordset($2::json) AS r(source text, id text, customer_key text, event_seq bigint, ${RECEIPT_COLUMNS},
            refunded_purchase_id text, refunded_external_purchase_id text)
     ON CONFLICT (workspace_id, source, refund_id) DO UPDATE SET
       customer_key = EXCLUDED.customer_key, refunded_purchase_id = EXCLUDED.refunded_purchase_id,
       refunded_external_purchase_id = EXCLUDED.refunded_external_purchase_id,
       external_purchase_id = EXCLUDED.external_purchase_id, cheque_number = EXCLUDED.cheque_number,
       amount = EXCLUDED.amount, occurred_at = EXCLUDED.occurred_at, merchant_id = EXCLUDED.merchant_id,
       device_code = EXCLUDED.device_code, description = EXCLUDED.description,
       currency_external_id = EXCLUDED.currency_external_id, items = EXCLUDED.items, withdraws = EXCLUDED.withdraws,
       rewards = EXCLUDED.rewards, event_seq = EXCLUDED.event_seq
     WHERE EXCLUDED.event_seq >= f.event_seq`,
    [workspaceId, JSON.stringify(rows)],
  );
}

export async function moveReceipts(tx: Queryable, workspaceId: string, fromKey: string, intoKey: string): Promise<void> {
  await tx.query('UPDATE purchases SET customer_key = $3 WHERE workspace_id = $1 AND customer_key = $2', [workspaceId, fromKey, intoKey]);
  await tx.query('UPDATE refunds SET customer_key = $3 WHERE workspace_id = $1 AND customer_key = $2', [workspaceId, fromKey, intoKey]);
}
