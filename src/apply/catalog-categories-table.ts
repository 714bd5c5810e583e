import type { Queryable } from '../store/db.ts';

/** A row of `catalog_categories`: one classifier entry of one source. */
export interface CatalogCategoryRow {
  source_name: string;
  local_id: string;
  name: string | null;
  parent_id: string | null;
  event_seq: number;
  updated_at: string;
}

/** Writes to `catalog_categories`; a later event (by sequence) wins. */
export async function upsertCatalogCategories(tx: Queryable, workspaceId: string, rows: readonly CatalogCategoryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO catalog_categories AS c (workspace_id, source_name, local_id, name, parent_id, event_seq, updated_at)
     SELECT $1, r.source_name, r.local_id, r.name, r.parent_id, r.event_seq, r.updated_at
       FROM json_to_recordset($2::json) AS r(source_name text, local_id text, name text, parent_id text, event_seq bigint,
            updated_at timestamptz)
     ON CONFLICT (workspace_id, source_name, local_id) DO UPDATE SET
       name = EXCLUDED.name, parent_id = EXCLUDED.parent_id, event_seq = EXCLUDED.event_seq, updated_at = EXCLUDED.updated_at
     WHERE EXCLUDED.event_seq >= c.event_seq`,
    [workspaceId, JSON.stringify(rows)],
  );
}
