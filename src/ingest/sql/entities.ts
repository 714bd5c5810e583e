import type { CanonicalEvent } from '../../events/canonical.ts';
import type { Result } from '../../result.ts';
import { customerRowToCanonical } from './customers-to-canonical.ts';
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

/** Maps one source row of an entity to its canonical event, or says why the row is rejected. */
export type RowMapper = (row: SourceRow, context: SqlRowContext) => Result<CanonicalEvent, string>;

const ROW_MAPPERS: Partial<Record<SqlEntity, RowMapper>> = {
  customers: customerRowToCanonical,
};

export function rowMapperOf(entity: SqlEntity): RowMapper | undefined {
  return ROW_MAPPERS[entity];
}
