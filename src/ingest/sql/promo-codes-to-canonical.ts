import type { CanonicalEvent, PromoCode } from '../../events/canonical.ts';
import { ok, type Result } from '../../result.ts';
import { instant, number, readRequiredColumns, text } from './row-columns.ts';
import { sqlCustomerRef, sqlRowEvent, sqlSourceSubject, type SqlRowContext } from './sql-event.ts';
import type { SourceRow } from './sql-source.ts';

/** The standard columns of a promo_codes row. */
const PROMO_CODE_COLUMNS = {
  code: text('code'),
  /** To whom it was issued (none: not issued yet). */
  customerId: text('customer_id'),
  promoId: text('promo_id'),
  status: text('status'),
  discount: number('discount'),
  issuedAt: instant('issued_at'),
  usedAt: instant('used_at'),
  expiresAt: instant('expires_at'),
};

/**
 * Maps one promo_codes row. A code issued to a customer is a change on that
 * profile (customerPromoCodeChanged: it shows in the profile and follows
 * merges); a code issued to no one is a record of the source
 * (promoCodeChanged). Both land on one row per source and code, so a code
 * issued later simply gains its customer.
 */
export function promoCodeRowToCanonical(row: SourceRow, context: SqlRowContext): Result<CanonicalEvent, string> {
  const read = readRequiredColumns(row, PROMO_CODE_COLUMNS, ['code']);
  if (!read.ok) return read;
  const { customerId, ...fields } = read.value;
  const promoCode: PromoCode = { sourceName: context.sourceName, ...fields };
  const subject = {
    customer: customerId === null ? sqlSourceSubject(context) : sqlCustomerRef(context, customerId),
    recordKey: `${context.sourceName}:${promoCode.code}`,
    stream: `promo-code:${promoCode.code}`,
    occurredAt: promoCode.usedAt ?? promoCode.issuedAt,
  };
  const content = { ...promoCode, customerId };
  return ok(
    customerId === null
      ? sqlRowEvent(context, 'promo_codes', subject, content, { kind: 'promoCodeChanged', promoCode })
      : sqlRowEvent(context, 'promo_codes', subject, content, { kind: 'customerPromoCodeChanged', promoCode }),
  );
}
