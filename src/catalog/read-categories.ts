import { isoOrNull } from '../events/event-log.ts';
import type { Queryable } from '../store/db.ts';
import type { PageKey } from './page-cursor.ts';

/** A classifier entry; parentId is the local id of its parent in the same source (null: a root). */
export interface CategoryView {
  source: string;
  id: string;
  name: string | null;
  parentId: string | null;
  updatedAt: string | null;
}

/** A page of the workspace's categories in (source, id) order. */
export async function listCategories(
  db: Queryable,
  workspaceId: string,
  filter: { source?: string | undefined; after?: PageKey | undefined; limit: number },
): Promise<CategoryView[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT * FROM catalog_categories
      WHERE workspace_id = $1
        AND ($2::text IS NULL OR source_name = $2)
        AND ($3::text IS NULL OR (source_name, local_id) > ($3, $4::text))
      ORDER BY source_name, local_id
      LIMIT $5`,
    [workspaceId, filter.source ?? null, filter.after?.source ?? null, filter.after?.id ?? null, filter.limit],
  );
  return result.rows.map((r) => ({
    source: String(r.source_name),
    id: String(r.local_id),
    name: (r.name as string | null) ?? null,
    parentId: (r.parent_id as string | null) ?? null,
    updatedAt: isoOrNull(r.updated_at),
  }));
}
