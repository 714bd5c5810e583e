import type { CanonicalEvent, ReceiptLine } from '../../events/canonical.ts';
import { fail, ok, type Result } from '../../result.ts';
import { sqlPurchaseId } from './receipts-to-canonical.ts';
import { number, readRequiredColumns, text } from './row-columns.ts';
import { sqlRowEvent, sqlSourceSubject, type SqlRowContext } from './sql-event.ts';
import type { SourceRow } from './sql-source.ts';

/** The standard columns of a receipt_lines row. */
const LINE_COLUMNS = {
  localId: text('local_id'),
  receiptId: text('receipt_id'),
  lineNo: number('line_no'),
  productId: text('product_id'),
  productName: text('product_name'),
  quantity: number('quantity'),
  price: number('price'),
  amount: number('amount'),
  discount: number('discount'),
};

/**
 * Maps one receipt_lines row to a receiptLineImported record. A line belongs
 * to no profile (the source table has no customer column) and may be read
 * before or after its receipt, so it is kept on its own, keyed by its line
 * id, and joined to the receipt by purchase id when read (read-purchases.ts).
 * A line read again with changed content replaces the stored one.
 */
export function receiptLineRowToCanonical(row: SourceRow, context: SqlRowContext): Result<CanonicalEvent, string> {
  const read = readRequiredColumns(row, LINE_COLUMNS, ['localId', 'receiptId']);
  if (!read.ok) return read;
  const { localId, receiptId, lineNo, ...line } = read.value;
  // line_no orders the lines in a bigint column: a fraction or a huge number would fail the whole pack there.
  if (lineNo !== null && !Number.isSafeInteger(lineNo)) return fail(`unparseable line_no "${String(row.line_no).slice(0, 40)}"`);

  const purchaseId = sqlPurchaseId(context, receiptId);
  const imported: ReceiptLine = { lineId: `${context.sourceName}:${localId}`, lineNo, ...line };
  return ok(
    sqlRowEvent(
      context,
      'receipt_lines',
      { customer: sqlSourceSubject(context), recordKey: imported.lineId, stream: `receipt_line|${imported.lineId}`, occurredAt: null },
      { localId, receiptId, line: imported },
      { kind: 'receiptLineImported', purchaseId, line: imported },
    ),
  );
}
