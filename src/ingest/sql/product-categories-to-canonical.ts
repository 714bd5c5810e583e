import type { CanonicalEvent, CatalogCategory } from '../../events/canonical.ts';
import { ok, type Result } from '../../result.ts';
import { readRequiredColumns, text } from './row-columns.ts';
import { sqlRowEvent, sqlSourceSubject, type SqlRowContext } from './sql-event.ts';
import type { SourceRow } from './sql-source.ts';

/** The standard columns of a product_categories (classifier) row. */
const CATEGORY_COLUMNS = {
  localId: text('local_id'),
  name: text('name'),
  parentId: text('parent_id'),
};

/**
 * Maps one product_categories row to a catalogCategoryChanged record event
 * (subject: the source, as for products). parent_id makes the classifier a
 * tree; a parent that is not (yet) imported is kept as given, since
 * categories arrive in any order.
 */
export function categoryRowToCanonical(row: SourceRow, context: SqlRowContext): Result<CanonicalEvent, string> {
  const read = readRequiredColumns(row, CATEGORY_COLUMNS, ['localId']);
  if (!read.ok) return read;
  const category: CatalogCategory = { sourceName: context.sourceName, ...read.value };
  return ok(
    sqlRowEvent(
      context,
      'product_categories',
      { customer: sqlSourceSubject(context), recordKey: `${context.sourceName}:${category.localId}`, stream: `category:${category.localId}`, occurredAt: null },
      category,
      { kind: 'catalogCategoryChanged', category },
    ),
  );
}
