import type { Queryable } from '../store/db.ts';
import type { PlannedMerge } from './merge-pairs.ts';
import type { CustomerRow } from './reduce-segment.ts';

// The identity fields: each keeps its stored value unless a row brings one.
const IDENTITY = ['customer_uid', 'customer_code', 'account_group_id', 'identifier_id', 'mobile_device_id', 'application_id'] as const;
// What a profile is after a row is laid over it (r, a recordset row, over o, the stored profile).
const AFTER = [
  ...IDENTITY.map((c) => `COALESCE(r.${c}, o.${c})`),
  'LEAST(o.registration_started_at, r.registration_started_at)',
  'LEAST(o.registration_completed_at, r.registration_completed_at)',
].join(', ');

/**
 * Writes to `customers` (and `customer_sources`). Identity fields: the newest
 * non-null value wins; registration times: the earliest. Most events name a
 * profile the store already holds exactly so (the same customerInfo every
 * time): those rows are left out before the upsert, which would otherwise
 * lock and rewrite each of them for nothing.
 */
export async function upsertCustomers(tx: Queryable, workspaceId: string, rows: readonly CustomerRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `WITH sources AS (
       INSERT INTO customer_sources (workspace_id, source) SELECT $1, unnest($3::text[]) ON CONFLICT DO NOTHING)
     INSERT INTO customers AS c (workspace_id, customer_key, source, external_id, ${IDENTITY.join(', ')},
                                registration_started_at, registration_completed_at, first_seen_at)
     SELECT $1, r.customer_key, r.source, r.external_id, ${IDENTITY.map((c) => `r.${c}`).join(', ')},
            r.registration_started_at, r.registration_completed_at, r.seen_at
       FROM json_to_recordset($2::json) AS r(customer_key text, source text, external_id text, customer_uid text,
            customer_code text, account_group_id text, identifier_id text, mobile_device_id text, application_id text,
            registration_started_at timestamptz, registration_completed_at timestamptz, seen_at timestamptz)
            -- one index lookup per row (LIMIT 1 keeps the planner from hashing the workspace's profiles instead)
            LEFT JOIN LATERAL (SELECT * FROM customers o WHERE o.workspace_id = $1 AND o.customer_key = r.customer_key LIMIT 1) AS o ON true
      WHERE o.customer_key IS NULL
         OR (${IDENTITY.map((c) => `o.${c}`).join(', ')}, o.registration_started_at, o.registration_completed_at) IS DISTINCT FROM (${AFTER})
     ON CONFLICT (workspace_id, customer_key) DO UPDATE SET
       ${IDENTITY.map((col) => `${col} = COALESCE(EXCLUDED.${col}, c.${col})`).join(',\n       ')},
       registration_started_at = LEAST(c.registration_started_at, EXCLUDED.registration_started_at),
       registration_completed_at = LEAST(c.registration_completed_at, EXCLUDED.registration_completed_at)`,
    [workspaceId, JSON.stringify(rows), [...new Set(rows.map((r) => r.source))]],
  );
}

/**
 * The profile each key's events land on: a key merged away points at the
 * profile it was merged into (merged_into always names the final target).
 */
export async function findMergeTargets(tx: Queryable, workspaceId: string, keys: readonly string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const result = await tx.query<{ customer_key: string; merged_into: string }>(
    // one index lookup per key (LIMIT 1 keeps the planner from scanning the workspace's profiles when its statistics are stale)
    `SELECT c.customer_key, c.merged_into FROM unnest($2::text[]) AS k(key)
       CROSS JOIN LATERAL (SELECT customer_key, merged_into FROM customers WHERE workspace_id = $1 AND customer_key = k.key LIMIT 1) AS c
      WHERE c.merged_into IS NOT NULL`,
    [workspaceId, keys],
  );
  return new Map(result.rows.map((r) => [r.customer_key, r.merged_into]));
}

/**
 * Points each merged profile, and every profile already merged into it, at
 * its target, which takes over its registration progress. The pairs share
 * no profile (merge-pairs.ts).
 */
export async function markMerged(tx: Queryable, workspaceId: string, pairs: readonly PlannedMerge[]): Promise<void> {
  // The merged profile's registration progress moves to the target (the
  // earlier time wins, as for two registration events of one profile): it is
  // the target's now, as a later registration event of the merged key is.
  // Disjoint rows: a target is live, never merged into a merged one.
  await tx.query(
    `WITH m AS (SELECT * FROM unnest($2::text[], $3::text[], $4::timestamptz[]) AS m(from_key, into_key, merged_at)),
     registration AS (
       UPDATE customers t
          SET registration_started_at = LEAST(t.registration_started_at, f.registration_started_at),
              registration_completed_at = LEAST(t.registration_completed_at, f.registration_completed_at)
         FROM customers f, m
        WHERE t.workspace_id = $1 AND t.customer_key = m.into_key AND f.workspace_id = $1 AND f.customer_key = m.from_key
          AND (f.registration_started_at IS NOT NULL OR f.registration_completed_at IS NOT NULL)),
     merged AS (
       SELECT c.customer_key, m.into_key, m.merged_at FROM customers c JOIN m ON c.workspace_id = $1 AND c.customer_key = m.from_key
       UNION ALL
       SELECT c.customer_key, m.into_key, m.merged_at FROM customers c JOIN m ON c.workspace_id = $1 AND c.merged_into = m.from_key)
     UPDATE customers c SET merged_into = merged.into_key, merged_at = merged.merged_at,
            registration_started_at = NULL, registration_completed_at = NULL
       FROM merged WHERE c.workspace_id = $1 AND c.customer_key = merged.customer_key`,
    [workspaceId, pairs.map((p) => p.from_key), pairs.map((p) => p.into_key), pairs.map((p) => p.merged_at)],
  );
}

/** The merge history (customer_merges): which profile went into which, by which event. */
export async function recordMerges(tx: Queryable, workspaceId: string, merges: readonly PlannedMerge[]): Promise<void> {
  await tx.query(
    `INSERT INTO customer_merges (workspace_id, event_seq, from_key, to_key, merged_at)
     SELECT $1, m.seq, m.from_key, m.into_key, m.merged_at
       FROM unnest($2::bigint[], $3::text[], $4::text[], $5::timestamptz[]) AS m(seq, from_key, into_key, merged_at)
     ON CONFLICT DO NOTHING`,
    [workspaceId, merges.map((m) => m.seq), merges.map((m) => m.from_key), merges.map((m) => m.into_key), merges.map((m) => m.merged_at)],
  );
}

/** The keys merged into these profiles (merged_into names the final target, so one level is all). */
export async function keysMergedInto(tx: Queryable, workspaceId: string, keys: readonly string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const result = await tx.query<{ customer_key: string }>(
    `SELECT customer_key FROM customers WHERE workspace_id = $1 AND merged_into IN (SELECT json_array_elements_text($2::json))`,
    [workspaceId, JSON.stringify(keys)],
  );
  return result.rows.map((r) => r.customer_key);
}

/** An erased profile keeps its key (the tombstone), not the source's other ids of the person. */
export async function clearSourceIds(tx: Queryable, workspaceId: string, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await tx.query(
    `UPDATE customers SET customer_uid = NULL, customer_code = NULL, identifier_id = NULL, mobile_device_id = NULL, application_id = NULL
      WHERE workspace_id = $1 AND customer_key IN (SELECT json_array_elements_text($2::json))`,
    [workspaceId, JSON.stringify(keys)],
  );
}
