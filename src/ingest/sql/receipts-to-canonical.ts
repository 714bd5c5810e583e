import type { CanonicalEvent, MoneyMovement, ProfileChange, Receipt } from '../../events/canonical.ts';
import { fail, ok, type Result } from '../../result.ts';
import { instant, number, readRequiredColumns, text, type ColumnValues } from './row-columns.ts';
import { textOf } from './row-values.ts';
import { sqlCustomerRef, sqlRowEvent, type SqlRowContext } from './sql-event.ts';
import type { SourceRow } from './sql-source.ts';

/** The standard columns of a receipts row. */
const RECEIPT_COLUMNS = {
  localId: text('local_id'),
  customerId: text('customer_id'),
  occurredAt: instant('date'),
  operation: text('operation'),
  refundOf: text('refund_of'),
  amount: number('amount'),
  discount: number('discount'),
  bonusSpent: number('bonus_spent'),
  bonusEarned: number('bonus_earned'),
  chequeNumber: text('cheque_number'),
  storeId: text('store_id'),
  cashier: text('cashier'),
  cardNumber: text('card_number'),
  currency: text('currency'),
};
type ReceiptValues = ColumnValues<typeof RECEIPT_COLUMNS> & { localId: string; occurredAt: string };

/**
 * A purchase or refund id from the source's local id: receipt ids are only
 * unique inside one retailer database, and receipt lines name their receipt
 * the same way (receipt-lines-to-canonical.ts), so both must agree.
 */
export const sqlPurchaseId = (context: SqlRowContext, localId: string): string => `${context.sourceName}:${localId}`;

/**
 * Maps one receipts row to a purchaseConfirmed (operation `sale`, the
 * default) or purchaseRefunded (`refund`) event on the customer's profile,
 * so the purchases projection and the read API treat it like any other
 * source's receipt. Its items stay empty: lines come from receipt_lines and
 * are shown with the receipt when read. A receipt without a customer is
 * rejected: a purchase must land on a profile.
 */
export function receiptRowToCanonical(row: SourceRow, context: SqlRowContext): Result<CanonicalEvent, string> {
  // A purchase must land on a profile: say why a row without a customer is refused.
  if (textOf(row.local_id) !== null && textOf(row.customer_id) === null) return fail('anonymous receipt: no customer_id');
  const read = readRequiredColumns(row, RECEIPT_COLUMNS, ['localId', 'customerId', 'occurredAt']);
  if (!read.ok) return read;
  const { localId, customerId, occurredAt } = read.value;
  const operation = read.value.operation?.toLowerCase() ?? 'sale';
  if (operation !== 'sale' && operation !== 'refund') return fail(`unknown operation "${String(row.operation).slice(0, 40)}" (sale or refund)`);

  const purchaseId = sqlPurchaseId(context, localId);
  const refundOf = operation === 'refund' ? read.value.refundOf : null;
  const receipt = toReceipt(read.value, { purchaseId, operation });
  const change: ProfileChange =
    operation === 'sale'
      ? { kind: 'purchaseConfirmed', receipt }
      : { kind: 'purchaseRefunded', receipt, refundedPurchaseId: refundOf && sqlPurchaseId(context, refundOf), refundedExternalPurchaseId: refundOf };
  return ok(
    sqlRowEvent(
      context,
      'receipts',
      { customer: sqlCustomerRef(context, customerId), recordKey: purchaseId, stream: `${operation === 'sale' ? 'purchase' : 'refund'}|${purchaseId}`, occurredAt },
      { localId, customerId, refundOf, receipt },
      change,
    ),
  );
}

function toReceipt(row: ReceiptValues, r: { purchaseId: string; operation: string }): Receipt {
  const store = row.storeId;
  return {
    purchaseId: r.purchaseId,
    externalPurchaseId: row.localId,
    chequeNumber: row.chequeNumber,
    amount: row.amount,
    occurredAt: row.occurredAt,
    operationType: r.operation,
    // The store is where the sale happened: the merchant and its location.
    merchantId: store,
    merchantUid: null,
    merchantCode: null,
    deviceCode: null,
    // The card shown at the till, as Loymax's `identity` is the identifier presented.
    identity: row.cardNumber,
    cashierIdentifier: row.cashier,
    description: null,
    locationId: store,
    partnerId: null,
    brandId: null,
    currencyExternalId: row.currency,
    items: [],
    withdraws: bonusMovement(row.bonusSpent),
    rewards: bonusMovement(row.bonusEarned),
    // The receipt has no discount field of its own; it travels as an attribute.
    attributes: row.discount === null ? [] : [{ code: 'discount', value: row.discount }],
  };
}

/** Bonus points spent or earned on the receipt; none (null or 0) is no movement. */
function bonusMovement(points: number | null): MoneyMovement[] {
  if (points === null || points === 0) return [];
  return [{ type: 'bonus', amount: points, moneyAmount: null, description: null, offerExternalId: null, currencyExternalId: null, positionInfo: {} }];
}
