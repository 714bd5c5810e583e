import type { Queryable } from '../store/db.ts';
import type { CustomerRow } from './reduce-segment.ts';

/** Writes to `customers`. Identity fields: the newest non-null value wins. */
export async function upsertCustomers(tx: Queryable, workspaceId: string, rows: readonly CustomerRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO customers AS c (workspace_id, customer_key, source, external_id, customer_uid, customer_code, account_group_id,
                                identifier_id, mobile_device_id, application_id, registration_started_at,
                                registration_completed_at, first_seen_at, last_event_at)
     SELECT $1, r.customer_key, r.source, r.external_id, r.customer_uid, r.customer_code, r.account_group_id, r.identifier_id,
            r.mobile_device_id, r.application_id, r.registration_started_at, r.registration_completed_at, r.seen_at, r.seen_at
       FROM json_to_recordset($2::json) AS r(customer_key text, source text, external_id text, customer_uid text,
            customer_code text, account_group_id text, identifier_id text, mobile_device_id text, application_id text,
            registration_started_at timestamptz, registration_completed_at timestamptz, seen_at timestamptz)
     ON CONFLICT (workspace_id, customer_key) DO UPDATE SET
       customer_uid = COALESCE(EXCLUDED.customer_uid, c.customer_uid),
       customer_code = COALESCE(EXCLUDED.customer_code, c.customer_code),
       account_group_id = COALESCE(EXCLUDED.account_group_id, c.account_group_id),
       identifier_id = COALESCE(EXCLUDED.identifier_id, c.identifier_id),
       mobile_device_id = COALESCE(EXCLUDED.mobile_device_id, c.mobile_device_id),
       application_id = COALESCE(EXCLUDED.application_id, c.application_id),
       registration_started_at = LEAST(c.registration_started_at, EXCLUDED.registration_started_at),
       registration_completed_at = LEAST(c.registration_completed_at, EXCLUDED.registration_completed_at),
       last_event_at = GREATEST(c.last_event_at, EXCLUDED.last_event_at)`,
    [workspaceId, JSON.stringify(rows)],
  );
}

/**
 * The profile each key's events land on: a key merged away points at the
 * profile it was merged into (merged_into always names the final target).
 */
export async function findMergeTargets(tx: Queryable, workspaceId: string, keys: readonly string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const result = await tx.query<{ customer_key: string; merged_into: string }>(
    `SELECT customer_key, merged_into FROM customers
      WHERE workspace_id = $1 AND merged_into IS NOT NULL
        AND customer_key IN (SELECT json_array_elements_text($2::json))`,
    [workspaceId, JSON.stringify(keys)],
  );
  return new Map(result.rows.map((r) => [r.customer_key, r.merged_into]));
}

/** Points `fromKey`, and every profile already merged into it, at `intoKey`, which takes over its registration progress. */
export async function markMerged(tx: Queryable, workspaceId: string, fromKey: string, intoKey: string, at: string): Promise<void> {
  // The merged profile's registration progress moves to the target (the
  // earlier time wins, as for two registration events of one profile).
  // Disjoint rows: the target is live, never merged into the merged one.
  await tx.query(
    `WITH registration AS (
       UPDATE customers t
          SET registration_started_at = LEAST(t.registration_started_at, f.registration_started_at),
              registration_completed_at = LEAST(t.registration_completed_at, f.registration_completed_at)
         FROM customers f
        WHERE t.workspace_id = $1 AND t.customer_key = $3 AND f.workspace_id = $1 AND f.customer_key = $2
          AND (f.registration_started_at IS NOT NULL OR f.registration_completed_at IS NOT NULL))
     UPDATE customers SET merged_into = $3, merged_at = $4
      WHERE workspace_id = $1 AND (customer_key = $2 OR merged_into = $2)`,
    [workspaceId, fromKey, intoKey, at],
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
