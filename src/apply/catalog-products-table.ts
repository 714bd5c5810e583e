import type { Queryable } from '../store/db.ts';

/** A row of `catalog_products`: one product of one source, as its latest event has it. */
export interface CatalogProductRow {
  source_name: string;
  local_id: string;
  name: string | null;
  category_id: string | null;
  price: number | null;
  old_price: number | null;
  vendor: string | null;
  barcode: string | null;
  url: string | null;
  picture: string | null;
  available: boolean | null;
  description: string | null;
  event_seq: number;
  updated_at: string;
}

/** Writes to `catalog_products`; a later event (by sequence) replaces the product, an earlier one never does. */
export async function upsertCatalogProducts(tx: Queryable, workspaceId: string, rows: readonly CatalogProductRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO catalog_products AS p (workspace_id, source_name, local_id, name, category_id, price, old_price, vendor, barcode,
                                       url, picture, available, description, event_seq, updated_at)
     SELECT $1, r.source_name, r.local_id, r.name, r.category_id, r.price, r.old_price, r.vendor, r.barcode, r.url, r.picture,
            r.available, r.description, r.event_seq, r.updated_at
       FROM json_to_recordset($2::json) AS r(source_name text, local_id text, name text, category_id text, price numeric,
            old_price numeric, vendor text, barcode text, url text, picture text, available boolean, description text,
            event_seq bigint, updated_at timestamptz)
     ON CONFLICT (workspace_id, source_name, local_id) DO UPDATE SET
       name = EXCLUDED.name, category_id = EXCLUDED.category_id, price = EXCLUDED.price, old_price = EXCLUDED.old_price,
       vendor = EXCLUDED.vendor, barcode = EXCLUDED.barcode, url = EXCLUDED.url, picture = EXCLUDED.picture,
       available = EXCLUDED.available, description = EXCLUDED.description, event_seq = EXCLUDED.event_seq,
       updated_at = EXCLUDED.updated_at
     WHERE EXCLUDED.event_seq >= p.event_seq`,
    [workspaceId, JSON.stringify(rows)],
  );
}
