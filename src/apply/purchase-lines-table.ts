import type { ReceiptLine } from '../events/canonical.ts';
import type { Queryable } from '../store/db.ts';

/** All writes to `purchase_lines`: receipt lines imported apart from their receipts. */

export interface PurchaseLineRow {
  source: string;
  purchaseId: string;
  line: ReceiptLine;
  eventSeq: number;
}

/**
 * Upserts lines in one statement. A line stored by a later event wins (a
 * re-read row with changed content, or a line moved to another receipt);
 * an older event never overwrites a newer line.
 */
export async function upsertPurchaseLines(tx: Queryable, workspaceId: string, rows: readonly PurchaseLineRow[]): Promise<void> {
  if (rows.length === 0) return;
  // ON CONFLICT cannot touch one row twice in a statement: keep each line's latest event of the batch.
  const latest = new Map<string, PurchaseLineRow>();
  for (const row of rows) {
    const key = `${row.source}\u0000${row.line.lineId}`;
    const current = latest.get(key);
    if (!current || row.eventSeq > current.eventSeq) latest.set(key, row);
  }
  const json = [...latest.values()].map((r) => ({
    source: r.source,
    line_id: r.line.lineId,
    purchase_id: r.purchaseId,
    line_no: r.line.lineNo,
    product_id: r.line.productId,
    product_name: r.line.productName,
    quantity: r.line.quantity,
    price: r.line.price,
    amount: r.line.amount,
    discount: r.line.discount,
    event_seq: r.eventSeq,
  }));
  await tx.query(
    `INSERT INTO purchase_lines AS l (workspace_id, source, line_id, purchase_id, line_no, product_id, product_name,
                                      quantity, price, amount, discount, event_seq)
     SELECT $1, r.source, r.line_id, r.purchase_id, r.line_no, r.product_id, r.product_name,
            r.quantity, r.price, r.amount, r.discount, r.event_seq
       FROM json_to_recordset($2::json) AS r(source text, line_id text, purchase_id text, line_no bigint, product_id text,
            product_name text, quantity numeric, price numeric, amount numeric, discount numeric, event_seq bigint)
     ON CONFLICT (workspace_id, source, line_id) DO UPDATE SET
       purchase_id = EXCLUDED.purchase_id, line_no = EXCLUDED.line_no, product_id = EXCLUDED.product_id,
       product_name = EXCLUDED.product_name, quantity = EXCLUDED.quantity, price = EXCLUDED.price,
       amount = EXCLUDED.amount, discount = EXCLUDED.discount, event_seq = EXCLUDED.event_seq
     WHERE EXCLUDED.event_seq >= l.event_seq`,
    [workspaceId, JSON.stringify(json)],
  );
}
