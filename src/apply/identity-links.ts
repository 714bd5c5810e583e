import { DEFAULT_LINK_KINDS } from '../events/identifier-kinds.ts';
import { lockWorkspaceForApply } from './workspace-lock.ts';
import type { Queryable, Store } from '../store/db.ts';
import type { TableWrite } from './combined-writes.ts';
import type { DetailRows } from './detail-rows.ts';
import type { PlannedMerge } from './merge-pairs.ts';

/**
 * Identity links: two profiles of different sources in one workspace that
 * share an identifier of a kind the workspace's rule names (default: card
 * number, external id) are linked. A link is a visible relation, not a
 * merge: nothing moves, so undoing it is exact. An undone link keeps its
 * row and is never re-created by the rule.
 *
 * Identifiers come from three places: customer_identifiers (any source that
 * reports them as such), cards (card numbers) and attributes (phones and
 * e-mails of the core source).
 */

const LINK_SQL = (touched: string) => `
WITH rule AS (
  SELECT json_array_elements_text(COALESCE((SELECT link_kinds::json FROM identity_link_rules WHERE workspace_id = $1), $2::json)) AS kind
),
touched AS (${touched}),
mine AS (
  SELECT i.customer_key, i.kind, i.lookup_value AS value
    FROM customer_identifiers i JOIN touched t ON t.customer_key = i.customer_key
   WHERE i.workspace_id = $1 AND i.kind IN (SELECT kind FROM rule) AND i.lookup_value <> ''
  UNION
  SELECT c.customer_key, 'card', c.card_number
    FROM cards c JOIN touched t ON t.customer_key = c.customer_key
   WHERE c.workspace_id = $1 AND 'card' IN (SELECT kind FROM rule)
  UNION
  SELECT a.customer_key, a.lookup_kind, a.lookup_value
    FROM attributes a JOIN touched t ON t.customer_key = a.customer_key
   WHERE a.workspace_id = $1 AND a.lookup_kind IN (SELECT kind FROM rule) AND a.lookup_value <> ''
),
shared AS (
  SELECT m.customer_key AS mine, o.customer_key AS other, m.kind, m.value
    FROM mine m JOIN customer_identifiers o ON o.workspace_id = $1 AND o.kind = m.kind AND o.lookup_value = m.value
  UNION ALL
  SELECT m.customer_key, o.customer_key, m.kind, m.value
    FROM mine m JOIN cards o ON o.workspace_id = $1 AND m.kind = 'card' AND o.card_number = m.value
  UNION ALL
  SELECT m.customer_key, o.customer_key, m.kind, m.value
    FROM mine m JOIN attributes o ON o.workspace_id = $1 AND o.lookup_kind = m.kind AND o.lookup_value = m.value
)
INSERT INTO identity_links (workspace_id, key_a, key_b, kind, value, linked_at, linked_by_seq)
SELECT DISTINCT ON (LEAST(mine, other), GREATEST(mine, other))
       $1, LEAST(mine, other), GREATEST(mine, other), kind, value, $3::timestamptz, $4::bigint
  FROM shared
 WHERE split_part(mine, ':', 1) <> split_part(other, ':', 1)
 ORDER BY LEAST(mine, other), GREATEST(mine, other), kind, value
ON CONFLICT (workspace_id, key_a, key_b) DO NOTHING`;

// Whether profile <key> holds identifier (<kind>, <value>) now, in any of the three places identifiers come from.
const HOLDS = (key: string, kind: string, value: string) => `(
  EXISTS (SELECT 1 FROM customer_identifiers h WHERE h.workspace_id = $1 AND h.customer_key = ${key} AND h.kind = ${kind} AND h.lookup_value = ${value})
  OR (${kind} = 'card' AND EXISTS (SELECT 1 FROM cards h WHERE h.workspace_id = $1 AND h.customer_key = ${key} AND h.card_number = ${value}))
  OR EXISTS (SELECT 1 FROM attributes h WHERE h.workspace_id = $1 AND h.customer_key = ${key} AND h.lookup_kind = ${kind} AND h.lookup_value = ${value}))`;

// The active links that may have gone stale when the touched profiles'
// identifiers changed: those of a touched profile (it dropped or changed the
// shared value: a new phone) and those over a value a touched profile holds
// now (it took the value from the linked one: a card moved to another
// customer, a merge). A link is stale when either side no longer holds the
// value it was made over; it is deleted, and its two profiles are linked
// again by whatever they still share.
const PRUNE_SQL = (touched: string) => `
WITH touched AS (${touched}),
held AS (
  SELECT i.kind, i.lookup_value AS value FROM customer_identifiers i JOIN touched t ON t.customer_key = i.customer_key WHERE i.workspace_id = $1
  UNION
  SELECT 'card', c.card_number FROM cards c JOIN touched t ON t.customer_key = c.customer_key WHERE c.workspace_id = $1
  UNION
  SELECT a.lookup_kind, a.lookup_value FROM attributes a JOIN touched t ON t.customer_key = a.customer_key
   WHERE a.workspace_id = $1 AND a.lookup_kind IS NOT NULL
),
candidates AS (
  SELECT l.key_a, l.key_b FROM identity_links l JOIN touched t ON l.key_a = t.customer_key WHERE l.workspace_id = $1 AND l.undone_at IS NULL
  UNION
  SELECT l.key_a, l.key_b FROM identity_links l JOIN touched t ON l.key_b = t.customer_key WHERE l.workspace_id = $1 AND l.undone_at IS NULL
  UNION
  SELECT l.key_a, l.key_b FROM identity_links l JOIN held h ON l.kind = h.kind AND l.value = h.value WHERE l.workspace_id = $1 AND l.undone_at IS NULL
)
DELETE FROM identity_links l USING candidates c
 WHERE l.workspace_id = $1 AND l.key_a = c.key_a AND l.key_b = c.key_b AND l.undone_at IS NULL
   AND NOT (${HOLDS('l.key_a', 'l.kind', 'l.value')} AND ${HOLDS('l.key_b', 'l.kind', 'l.value')})
RETURNING l.key_a, l.key_b`;

/**
 * Drops the stale links of the given profiles (see PRUNE_SQL); returns the
 * profiles of the dropped links, to be linked again.
 */
async function pruneStaleLinks(tx: Queryable, workspaceId: string, touched: string, params: unknown[]): Promise<string[]> {
  const pruned = await tx.query<{ key_a: string; key_b: string }>(PRUNE_SQL(touched), [workspaceId, ...params]);
  return pruned.rows.flatMap((r) => [r.key_a, r.key_b]);
}

/**
 * Links the given profiles to every profile of another source sharing a
 * linkable identifier with them, after dropping their links that no longer
 * hold (the shared value changed hands or changed). Skipped when the workspace has no profile
 * of another source (the common single-source case costs one probe of customer_sources).
 */
export async function linkSharedIdentifiers(
  tx: Queryable,
  workspaceId: string,
  keys: readonly string[],
  linked: { at: string; seq: number | null },
): Promise<void> {
  if (keys.length === 0) return;
  const sources = new Set(keys.map(sourceOf));
  if (sources.size === 1) {
    const [source] = sources;
    const other = await tx.query<{ found: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM customer_sources WHERE workspace_id = $1 AND source <> $2) AS found',
      [workspaceId, source],
    );
    if (!other.rows[0]?.found) return;
  }
  const relink = await pruneStaleLinks(tx, workspaceId, 'SELECT json_array_elements_text($2::json) AS customer_key', [JSON.stringify(keys)]);
  await tx.query(LINK_SQL('SELECT json_array_elements_text($5::json) AS customer_key'), [
    workspaceId,
    JSON.stringify(DEFAULT_LINK_KINDS),
    linked.at,
    linked.seq,
    JSON.stringify([...new Set([...keys, ...relink])]),
  ]);
}

/**
 * Profiles merged into others: the links an operator undid on one are
 * undone on its target too (the operator said "not the same person", and the
 * target now is that profile), unless the target already has a link of its
 * own with that profile. One merge after the other, as a later one carries
 * what an earlier one carried (A into B carries A's undone link with C to B;
 * C into D then carries both to D); nothing to do, and one probe, when the
 * workspace has no undone link.
 */
export async function carryUndoneLinks(tx: Queryable, workspaceId: string, merges: ReadonlyArray<PlannedMerge>): Promise<void> {
  const any = await tx.query('SELECT 1 FROM identity_links WHERE workspace_id = $1 AND undone_at IS NOT NULL LIMIT 1', [workspaceId]);
  if (any.rows.length === 0) return;
  for (const m of merges) {
    await tx.query(
      `INSERT INTO identity_links (workspace_id, key_a, key_b, undone_at, undone_by_seq)
       SELECT $1, LEAST(o.other, $3), GREATEST(o.other, $3), o.undone_at, $4::bigint
         FROM (SELECT CASE WHEN key_a = $2 THEN key_b ELSE key_a END AS other, undone_at
                 FROM identity_links
                WHERE workspace_id = $1 AND (key_a = $2 OR key_b = $2) AND undone_at IS NOT NULL) AS o
        WHERE o.other <> $3
       ON CONFLICT (workspace_id, key_a, key_b) DO NOTHING`,
      [workspaceId, m.from_key, m.into_key, m.seq],
    );
  }
}

/** An operator undid these links (or ruled them out before they existed). */
export function undoLinks(rows: DetailRows['linkUndos']): TableWrite {
  return {
    rows,
    statement: (param) => `INSERT INTO identity_links AS l (workspace_id, key_a, key_b, undone_at, undone_by_seq)
     SELECT $1, r.key_a, r.key_b, r.undone_at, r.event_seq
       FROM json_to_recordset(${param}::json) AS r(key_a text, key_b text, undone_at timestamptz, event_seq bigint)
     ON CONFLICT (workspace_id, key_a, key_b) DO UPDATE SET undone_at = EXCLUDED.undone_at, undone_by_seq = EXCLUDED.undone_by_seq
     WHERE l.undone_at IS NULL`,
  };
}


/**
 * Makes a workspace's links match its rule after the rule changed: links of
 * kinds the rule no longer names are dropped (undone ones stay undone), so
 * are links whose shared value either side no longer holds, and every
 * profile is linked by the kinds it names now. Returns the number of
 * active links afterwards.
 */
export async function relinkWorkspace(store: Store, workspaceId: string): Promise<number> {
  return store.transaction(async (tx) => {
    await lockWorkspaceForApply(tx, workspaceId);
    await tx.query(
      `DELETE FROM identity_links
        WHERE workspace_id = $1 AND undone_at IS NULL
          AND kind NOT IN (SELECT json_array_elements_text(COALESCE(
                (SELECT link_kinds::json FROM identity_link_rules WHERE workspace_id = $1), $2::json)))`,
      [workspaceId, JSON.stringify(DEFAULT_LINK_KINDS)],
    );
    await pruneStaleLinks(tx, workspaceId, 'SELECT customer_key FROM customers WHERE workspace_id = $1', []);
    await tx.query(LINK_SQL('SELECT customer_key FROM customers WHERE workspace_id = $1'), [
      workspaceId,
      JSON.stringify(DEFAULT_LINK_KINDS),
      new Date().toISOString(),
      null,
    ]);
    const count = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM identity_links WHERE workspace_id = $1 AND undone_at IS NULL', [workspaceId]);
    return Number(count.rows[0]?.n ?? 0);
  });
}

const sourceOf = (key: string) => key.slice(0, Math.max(0, key.indexOf(':')));
