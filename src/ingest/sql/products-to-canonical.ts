import type { CanonicalEvent, CatalogProduct } from '../../events/canonical.ts';
import { ok, type Result } from '../../result.ts';
import { boolean, number, readRequiredColumns, text } from './row-columns.ts';
import { sqlRowEvent, sqlSourceSubject, type SqlRowContext } from './sql-event.ts';
import type { SourceRow } from './sql-source.ts';

/** The standard columns of a products (nomenclature) row, as the job's query aliases them. */
const PRODUCT_COLUMNS = {
  localId: text('local_id'),
  name: text('name'),
  categoryId: text('category_id'),
  price: number('price'),
  oldPrice: number('old_price'),
  vendor: text('vendor'),
  barcode: text('barcode'),
  url: text('url'),
  picture: text('picture'),
  available: boolean('available'),
  description: text('description'),
};

/**
 * Maps one products row to a catalogProductChanged record event. A product
 * belongs to no profile: its subject is the source. The row is the product's
 * whole record, so a column the query does not return is stored as null.
 * Ids are local to the source database (the catalogue is keyed by source
 * name and local_id); the event id derives from them and the row's content.
 */
export function productRowToCanonical(row: SourceRow, context: SqlRowContext): Result<CanonicalEvent, string> {
  const read = readRequiredColumns(row, PRODUCT_COLUMNS, ['localId']);
  if (!read.ok) return read;
  const product: CatalogProduct = { sourceName: context.sourceName, ...read.value };
  return ok(
    sqlRowEvent(
      context,
      'products',
      { customer: sqlSourceSubject(context), recordKey: `${context.sourceName}:${product.localId}`, stream: `product:${product.localId}`, occurredAt: null },
      product,
      { kind: 'catalogProductChanged', product },
    ),
  );
}
