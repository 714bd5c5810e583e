import type { CanonicalEvent } from '../../events/canonical.ts';
import type { Result } from '../../result.ts';
import { bonusBalanceRowToCanonical } from './bonus-balances-to-canonical.ts';
import { customerRowToCanonical } from './customers-to-canonical.ts';
import { eventRowToCanonical } from './events-to-canonical.ts';
import { categoryRowToCanonical } from './product-categories-to-canonical.ts';
import { productRowToCanonical } from './products-to-canonical.ts';
import { promoCodeRowToCanonical } from './promo-codes-to-canonical.ts';
import { receiptLineRowToCanonical } from './receipt-lines-to-canonical.ts';
import { receiptRowToCanonical } from './receipts-to-canonical.ts';
import type { SqlRowContext } from './sql-event.ts';
import type { SourceRow } from './sql-source.ts';

/** The tables the seed's "SQL server data" page lists, by the names a job uses. */
export const SQL_ENTITIES = [
  'customers',
  'receipts',
  'receipt_lines',
  'events',
  'products',
  'product_categories',
  'bonus_balances',
  'promo_codes',
] as const;
export type SqlEntity = (typeof SQL_ENTITIES)[number];

/** The column an entity's rows are told apart by (a job's default keyColumn). */
export const ENTITY_KEY_COLUMNS: Record<SqlEntity, string> = {
  customers: 'local_id',
  receipts: 'local_id',
  receipt_lines: 'local_id',
  events: 'local_id',
  products: 'local_id',
  product_categories: 'local_id',
  bonus_balances: 'customer_id',
  promo_codes: 'code',
};

/** Maps one source row of an entity to its canonical event, or says why the row is rejected. */
export type RowMapper = (row: SourceRow, context: SqlRowContext) => Result<CanonicalEvent, string>;

const ROW_MAPPERS: Partial<Record<SqlEntity, RowMapper>> = {
  customers: customerRowToCanonical,
  receipts: receiptRowToCanonical,
  receipt_lines: receiptLineRowToCanonical,
  events: eventRowToCanonical,
  products: productRowToCanonical,
  product_categories: categoryRowToCanonical,
  bonus_balances: bonusBalanceRowToCanonical,
  promo_codes: promoCodeRowToCanonical,
};

export function rowMapperOf(entity: SqlEntity): RowMapper | undefined {
  return ROW_MAPPERS[entity];
}
