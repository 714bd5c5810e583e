import type { CanonicalEvent } from '../../events/canonical.ts';
import { ok, type Result } from '../../result.ts';
import { instant, number, readRequiredColumns, text } from './row-columns.ts';
import { sqlCustomerRef, sqlRowEvent, type SqlRowContext } from './sql-event.ts';
import type { SourceRow } from './sql-source.ts';

/** The standard columns of a bonus_balances row (for sources that keep balances apart from customers). */
const BALANCE_COLUMNS = {
  customerId: text('customer_id'),
  balance: number('balance'),
  /** Not yet available (e.g. bonuses still on hold). */
  pending: number('pending'),
  /** As of when the balance holds. */
  date: instant('date'),
};

/**
 * Maps one bonus_balances row to an importedBonusBalance change on the
 * customer's profile `sql:<source>:<customer_id>`. The date orders balances:
 * apply keeps the newest, so a late or re-read older row never overwrites a
 * newer balance (a row without a date counts as of when it was read).
 */
export function bonusBalanceRowToCanonical(row: SourceRow, context: SqlRowContext): Result<CanonicalEvent, string> {
  const read = readRequiredColumns(row, BALANCE_COLUMNS, ['customerId', 'balance']);
  if (!read.ok) return read;
  const { customerId, balance, pending, date } = read.value;
  const customer = sqlCustomerRef(context, customerId);
  return ok(
    sqlRowEvent(
      context,
      'bonus_balances',
      { customer, recordKey: customer.key, stream: 'bonus-balance', occurredAt: date },
      { customerId, balance, pending, date },
      { kind: 'importedBonusBalance', sourceName: context.sourceName, balance, pending, asOf: date },
    ),
  );
}
