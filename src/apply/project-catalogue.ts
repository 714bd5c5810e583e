import type { PromoCode, RecordChange } from '../events/canonical.ts';
import type { Queryable } from '../store/db.ts';
import { upsertCatalogCategories, type CatalogCategoryRow } from './catalog-categories-table.ts';
import { upsertCatalogProducts, type CatalogProductRow } from './catalog-products-table.ts';
import { bySeq, latestPerKey } from './latest-per-key.ts';
import { upsertPromoCodes, type PromoCodeRow } from './promo-codes-table.ts';

export const CATALOGUE_KINDS = ['catalogProductChanged', 'catalogCategoryChanged', 'promoCodeChanged'] as const;
export type CatalogueChange = Extract<RecordChange, { kind: (typeof CATALOGUE_KINDS)[number] }>;
export interface CatalogueRecord {
  change: CatalogueChange;
  seq: number;
  receivedAt: string;
}

/**
 * Projects a batch's catalogue records (products, categories, promo codes
 * issued to no one) onto their tables, one statement per table; the later
 * event wins per record.
 */
export async function projectCatalogue(tx: Queryable, workspaceId: string, records: readonly CatalogueRecord[]): Promise<void> {
  if (records.length === 0) return;
  const rows = reduceCatalogue(records);
  await upsertCatalogProducts(tx, workspaceId, rows.products);
  await upsertCatalogCategories(tx, workspaceId, rows.categories);
  await upsertPromoCodes(tx, workspaceId, rows.promoCodes);
}

export function reduceCatalogue(records: readonly CatalogueRecord[]): {
  products: CatalogProductRow[];
  categories: CatalogCategoryRow[];
  promoCodes: PromoCodeRow[];
} {
  const products: CatalogProductRow[] = [];
  const categories: CatalogCategoryRow[] = [];
  const promoCodes: PromoCodeRow[] = [];
  for (const { change, seq, receivedAt } of records) {
    switch (change.kind) {
      case 'catalogProductChanged': {
        const p = change.product;
        products.push({
          source_name: p.sourceName,
          local_id: p.localId,
          name: p.name,
          category_id: p.categoryId,
          price: p.price,
          old_price: p.oldPrice,
          vendor: p.vendor,
          barcode: p.barcode,
          url: p.url,
          picture: p.picture,
          available: p.available,
          description: p.description,
          event_seq: seq,
          updated_at: receivedAt,
        });
        break;
      }
      case 'catalogCategoryChanged': {
        const c = change.category;
        categories.push({ source_name: c.sourceName, local_id: c.localId, name: c.name, parent_id: c.parentId, event_seq: seq, updated_at: receivedAt });
        break;
      }
      case 'promoCodeChanged':
        promoCodes.push(promoCodeRowOf(change.promoCode, null, seq, receivedAt));
        break;
    }
  }
  const localKey = (r: { source_name: string; local_id: string }) => `${r.source_name}\u0000${r.local_id}`;
  return {
    products: latestPerKey(products, localKey, bySeq),
    categories: latestPerKey(categories, localKey, bySeq),
    promoCodes: latestPerKey(promoCodes, promoCodeKey, bySeq),
  };
}

export const promoCodeKey = (r: PromoCodeRow): string => `${r.source_name}\u0000${r.code}`;

export function promoCodeRowOf(promo: PromoCode, customerKey: string | null, seq: number, receivedAt: string): PromoCodeRow {
  return {
    source_name: promo.sourceName,
    code: promo.code,
    customer_key: customerKey,
    promo_id: promo.promoId,
    status: promo.status,
    discount: promo.discount,
    issued_at: promo.issuedAt,
    used_at: promo.usedAt,
    expires_at: promo.expiresAt,
    event_seq: seq,
    updated_at: receivedAt,
  };
}
