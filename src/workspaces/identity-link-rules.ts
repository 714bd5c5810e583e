import { DEFAULT_LINK_KINDS, LINKABLE_KINDS, type LinkableKind } from '../events/identifier-kinds.ts';
import type { Queryable } from '../store/db.ts';

/** All SQL over `identity_link_rules`: which identifier kinds link profiles of different sources in a workspace. */

export const isLinkableKind = (value: string): value is LinkableKind => (LINKABLE_KINDS as readonly string[]).includes(value);

export async function readLinkRule(db: Queryable, workspaceId: string): Promise<{ kinds: LinkableKind[]; isDefault: boolean }> {
  const result = await db.query<{ link_kinds: unknown }>('SELECT link_kinds FROM identity_link_rules WHERE workspace_id = $1', [workspaceId]);
  const row = result.rows[0];
  if (!row) return { kinds: [...DEFAULT_LINK_KINDS], isDefault: true };
  const kinds = (typeof row.link_kinds === 'string' ? JSON.parse(row.link_kinds) : row.link_kinds) as string[];
  return { kinds: kinds.filter(isLinkableKind), isDefault: false };
}

export async function setLinkRule(db: Queryable, workspaceId: string, kinds: readonly LinkableKind[]): Promise<void> {
  await db.query(
    `INSERT INTO identity_link_rules (workspace_id, link_kinds) VALUES ($1, $2::jsonb)
     ON CONFLICT (workspace_id) DO UPDATE SET link_kinds = EXCLUDED.link_kinds, updated_at = now()`,
    [workspaceId, JSON.stringify([...new Set(kinds)])],
  );
}
