import type { Queryable } from '../store/db.ts';
import { MERGE_PAIRS, mergePairParams, type MergePair } from './merge-pairs.ts';
import type { CardChangeRow, CardRow } from './reduce-segment.ts';

/**
 * Writes to `cards` and `card_changes`. A field the event does not carry
 * (null) keeps its stored value; the owner is always the latest event's. A
 * card linked anew (a replaced number issued again) is no longer replaced.
 */
export async function upsertCards(tx: Queryable, workspaceId: string, rows: readonly CardRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO cards AS c (workspace_id, source, card_number, customer_key, card_id, state, card_type, category, bar_code,
                            strip1, strip2, strip3, blocked, deleted, activation_date, link_type, link_source, replaced_by, updated_at)
     SELECT $1, r.source, r.card_number, r.customer_key, r.card_id, r.state, r.card_type, r.category, r.bar_code,
            r.strip1, r.strip2, r.strip3, r.blocked, r.deleted, r.activation_date, r.link_type, r.link_source, r.replaced_by, r.updated_at
       FROM json_to_recordset($2::json) AS r(source text, card_number text, customer_key text, card_id text, state text,
            card_type text, category text, bar_code text, strip1 text, strip2 text, strip3 text, blocked boolean,
            deleted boolean, activation_date timestamptz, link_type text, link_source text, replaced_by text, updated_at timestamptz)
     ON CONFLICT (workspace_id, source, card_number) DO UPDATE SET
       customer_key = EXCLUDED.customer_key,
       card_id = COALESCE(EXCLUDED.card_id, c.card_id),
       state = COALESCE(EXCLUDED.state, c.state),
       card_type = COALESCE(EXCLUDED.card_type, c.card_type),
       category = COALESCE(EXCLUDED.category, c.category),
       bar_code = COALESCE(EXCLUDED.bar_code, c.bar_code),
       strip1 = COALESCE(EXCLUDED.strip1, c.strip1),
       strip2 = COALESCE(EXCLUDED.strip2, c.strip2),
       strip3 = COALESCE(EXCLUDED.strip3, c.strip3),
       blocked = COALESCE(EXCLUDED.blocked, c.blocked),
       deleted = COALESCE(EXCLUDED.deleted, c.deleted),
       activation_date = COALESCE(EXCLUDED.activation_date, c.activation_date),
       link_type = COALESCE(EXCLUDED.link_type, c.link_type),
       link_source = COALESCE(EXCLUDED.link_source, c.link_source),
       replaced_by = COALESCE(EXCLUDED.replaced_by, c.replaced_by),
       updated_at = EXCLUDED.updated_at`,
    [workspaceId, JSON.stringify(rows)],
  );
  // A null above keeps the stored value; a card linked anew and not replaced since must lose its old replacement.
  const relinked = rows.filter((r) => r.relinked && r.replaced_by === null);
  if (relinked.length === 0) return;
  // Arrays, not a JSON document: the planner sees how few rows they hold and looks the cards up by key.
  await tx.query(
    `UPDATE cards c SET replaced_by = NULL
       FROM unnest($2::text[], $3::text[]) AS r(source, card_number)
      WHERE c.workspace_id = $1 AND c.source = r.source AND c.card_number = r.card_number AND c.replaced_by IS NOT NULL`,
    [workspaceId, relinked.map((r) => r.source), relinked.map((r) => r.card_number)],
  );
}

export async function insertCardChanges(tx: Queryable, workspaceId: string, rows: readonly CardChangeRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO card_changes (workspace_id, source, card_number, event_seq, change, details, occurred_at)
     SELECT $1, r.source, r.card_number, r.event_seq, r.change, r.details, r.occurred_at
       FROM json_to_recordset($2::json) AS r(source text, card_number text, event_seq bigint, change text, details jsonb,
            occurred_at timestamptz)
     ON CONFLICT DO NOTHING`,
    [workspaceId, JSON.stringify(rows)],
  );
}

export async function moveCards(tx: Queryable, workspaceId: string, pairs: readonly MergePair[]): Promise<void> {
  await tx.query(
    `UPDATE cards c SET customer_key = m.into_key FROM ${MERGE_PAIRS}
      WHERE c.workspace_id = $1 AND c.customer_key = m.from_key`,
    mergePairParams(workspaceId, pairs),
  );
}
