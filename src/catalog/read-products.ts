import type { CatalogProduct } from '../events/canonical.ts';
import { isoOrNull } from '../events/event-log.ts';
import type { Queryable } from '../store/db.ts';
import type { PageKey } from './page-cursor.ts';

/** A product as the API shows it (the catalogue is read-only here; imports write it). */
export type ProductView = { source: string; id: string } & Omit<CatalogProduct, 'sourceName' | 'localId'> & { updatedAt: string | null };

export interface ProductFilter {
  source?: string | undefined;
  /** A category's local id (of `source` when given). */
  category?: string | undefined;
  after?: PageKey | undefined;
  limit: number;
}

/** A page of the workspace's products in (source, id) order. */
export async function listProducts(db: Queryable, workspaceId: string, filter: ProductFilter): Promise<ProductView[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT * FROM catalog_products
      WHERE workspace_id = $1
        AND ($2::text IS NULL OR source_name = $2)
        AND ($3::text IS NULL OR category_id = $3)
        AND ($4::text IS NULL OR (source_name, local_id) > ($4, $5::text))
      ORDER BY source_name, local_id
      LIMIT $6`,
    [workspaceId, filter.source ?? null, filter.category ?? null, filter.after?.source ?? null, filter.after?.id ?? null, filter.limit],
  );
  return result.rows.map(productViewOf);
}

export async function readProduct(db: Queryable, workspaceId: string, source: string, id: string): Promise<ProductView | null> {
  const result = await db.query<Record<string, unknown>>(
    'SELECT * FROM catalog_products WHERE workspace_id = $1 AND source_name = $2 AND local_id = $3',
    [workspaceId, source, id],
  );
  const row = result.rows[0];
  return row ? productViewOf(row) : null;
}

function productViewOf(r: Record<string, unknown>): ProductView {
  return {
    source: String(r.source_name),
    id: String(r.local_id),
    name: (r.name as string | null) ?? null,
    categoryId: (r.category_id as string | null) ?? null,
    price: numberOrNull(r.price),
    oldPrice: numberOrNull(r.old_price),
    vendor: (r.vendor as string | null) ?? null,
    barcode: (r.barcode as string | null) ?? null,
    url: (r.url as string | null) ?? null,
    picture: (r.picture as string | null) ?? null,
    available: (r.available as boolean | null) ?? null,
    description: (r.description as string | null) ?? null,
    updatedAt: isoOrNull(r.updated_at),
  };
}

/** numeric columns come back as text (exact); the API answers JSON numbers. */
export function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
