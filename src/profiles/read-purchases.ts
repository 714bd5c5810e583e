import type { Queryable } from '../store/db.ts';
import { isoOrNull } from '../events/event-log.ts';

/** Purchases with their cheque items, withdrawals, rewards and the refunds linked to them. */

/**
 * The items a purchase or refund shows: its own cheque items, or, when it
 * has none, the lines imported for it on their own (an SQL source's
 * receipt_lines, which may arrive before or after the receipt), in line
 * order, shaped as cheque items plus price, discount and lineId. A receipt
 * that carries items is never mixed with imported lines.
 */
function shownItems(receipt: string, idColumn: string): string {
  return `CASE WHEN json_array_length(${receipt}.items) > 0 THEN ${receipt}.items ELSE COALESCE((
            SELECT json_agg(json_build_object(
                     'positionId', l.line_no, 'itemId', l.product_id, 'description', l.product_name, 'quantity', l.quantity,
                     'unit', NULL, 'amount', l.amount, 'price', l.price, 'discount', l.discount, 'lineId', l.line_id)
                     ORDER BY l.line_no NULLS LAST, l.line_id)
              FROM purchase_lines l
             WHERE l.workspace_id = ${receipt}.workspace_id AND l.source = ${receipt}.source AND l.purchase_id = ${receipt}.${idColumn}
          ), ${receipt}.items) END`;
}

/** What a purchase and a refund both show (a refund's model is a receipt too). */
export interface ReceiptDetails {
  externalPurchaseId: string | null;
  chequeNumber: string | null;
  amount: number | null;
  occurredAt: string | null;
  operationType: string | null;
  /** The identifier presented at the till (a card number, a phone): Loymax's `identity`, an import's `card_number`. */
  identity: string | null;
  cashierIdentifier: string | null;
  merchant: { id: string | null; uid: string | null; code: string | null; deviceCode: string | null; description: string | null; locationId: string | null };
  partnerId: string | null;
  brandId: string | null;
  currencyExternalId: string | null;
  items: unknown;
  withdraws: unknown;
  rewards: unknown;
  attributes: unknown;
}

export interface RefundView extends ReceiptDetails {
  refundId: string;
  refundedPurchaseId: string | null;
  refundedExternalPurchaseId: string | null;
  /** The merchant's description, as merchant.description (kept here for the clients that read it here). */
  description: string | null;
}

export interface PurchaseView extends ReceiptDetails {
  purchaseId: string;
  source: string;
  refunds: RefundView[];
  refundedAmount: number;
}

export async function readPurchases(
  db: Queryable,
  workspaceId: string,
  customerKey: string,
  page: { limit: number; before?: string | undefined; beforePurchaseId?: string | undefined },
): Promise<PurchaseView[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT p.*, ${shownItems('p', 'purchase_id')} AS items_shown, COALESCE(r.refunds, '[]') AS refunds, r.refunded_amount
       FROM purchases p
       -- the sum in numeric: amounts added as doubles show 0.30000000000000004
       LEFT JOIN LATERAL (
              SELECT json_agg(to_jsonb(f) || jsonb_build_object('items_shown', ${shownItems('f', 'refund_id')})
                              ORDER BY f.occurred_at, f.refund_id) AS refunds,
                     sum(f.amount)::text AS refunded_amount
                FROM refunds f
               WHERE f.workspace_id = p.workspace_id AND f.source = p.source
                 AND (f.refunded_purchase_id = p.purchase_id
                      -- a till's cheque id is no global key: by it, only the same customer's purchase
                      OR (f.refunded_purchase_id IS NULL AND f.refunded_external_purchase_id = p.external_purchase_id
                          AND f.customer_key = p.customer_key))
            ) r ON true
      WHERE p.workspace_id = $1 AND p.customer_key = $2
        AND CASE
              -- the first page
              WHEN $3::timestamptz IS NULL AND $5::text IS NULL THEN true
              -- after a dated purchase: older ones, those sharing its time with a smaller id, and the undated (sorted last)
              WHEN $3::timestamptz IS NOT NULL THEN p.occurred_at < $3::timestamptz OR p.occurred_at IS NULL
                   OR (p.occurred_at = $3::timestamptz AND $5::text IS NOT NULL AND p.purchase_id < $5::text)
              -- after an undated purchase (an id without a time): the undated with a smaller id
              ELSE p.occurred_at IS NULL AND p.purchase_id < $5::text
            END
      ORDER BY p.occurred_at DESC NULLS LAST, p.purchase_id DESC
      LIMIT $4`,
    [workspaceId, customerKey, page.before ?? null, page.limit, page.beforePurchaseId ?? null],
  );
  return result.rows.map(toPurchaseView);
}

/** Refunds of this customer whose purchase has not arrived (yet). */
export async function readUnlinkedRefunds(db: Queryable, workspaceId: string, customerKey: string): Promise<RefundView[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT f.*, ${shownItems('f', 'refund_id')} AS items_shown FROM refunds f
      WHERE f.workspace_id = $1 AND f.customer_key = $2
        AND NOT EXISTS (SELECT 1 FROM purchases p
                         WHERE p.workspace_id = f.workspace_id AND p.source = f.source
                           AND (p.purchase_id = f.refunded_purchase_id
                                OR (f.refunded_purchase_id IS NULL AND p.external_purchase_id = f.refunded_external_purchase_id
                                    AND p.customer_key = f.customer_key)))
      ORDER BY f.occurred_at DESC NULLS LAST`,
    [workspaceId, customerKey],
  );
  return result.rows.map(toRefundView);
}

function toPurchaseView(r: Record<string, unknown>): PurchaseView {
  const refunds = (typeof r.refunds === 'string' ? JSON.parse(r.refunds) : r.refunds) as Record<string, unknown>[];
  const refundViews = refunds.map(toRefundView);
  return {
    purchaseId: String(r.purchase_id),
    source: String(r.source),
    ...receiptDetailsOf(r),
    refunds: refundViews,
    refundedAmount: Number(r.refunded_amount ?? 0),
  };
}

/** A refund from its row (with items_shown), read on its own or from the purchase's JSON. */
function toRefundView(f: Record<string, unknown>): RefundView {
  return {
    refundId: String(f.refund_id),
    refundedPurchaseId: str(f.refunded_purchase_id),
    refundedExternalPurchaseId: str(f.refunded_external_purchase_id),
    description: str(f.description),
    ...receiptDetailsOf(f),
  };
}

function receiptDetailsOf(r: Record<string, unknown>): ReceiptDetails {
  return {
    externalPurchaseId: str(r.external_purchase_id),
    chequeNumber: str(r.cheque_number),
    amount: num(r.amount),
    occurredAt: isoOrNull(r.occurred_at),
    operationType: str(r.operation_type),
    identity: str(r.identity),
    cashierIdentifier: str(r.cashier_identifier),
    merchant: {
      id: str(r.merchant_id),
      uid: str(r.merchant_uid),
      code: str(r.merchant_code),
      deviceCode: str(r.device_code),
      description: str(r.description),
      locationId: str(r.location_id),
    },
    partnerId: str(r.partner_id),
    brandId: str(r.brand_id),
    currencyExternalId: str(r.currency_external_id),
    items: r.items_shown,
    withdraws: r.withdraws,
    rewards: r.rewards,
    attributes: r.purchase_attributes,
  };
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
