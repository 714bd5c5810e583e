import { ERASED_PAYLOAD_KEY, erasedPayload } from '../events/erased-payload.ts';
import type { Queryable } from '../store/db.ts';
import type { TableWrite } from './combined-writes.ts';
import { clearSourceIds, findMergeTargets, keysMergedInto } from './customers-table.ts';
import type { ErasureRow } from './detail-rows.ts';
import { readFailuresNaming, replaceFailedEvents } from './projection-queue-table.ts';
import { redactedOrStub, withoutQuotedValues } from './redact-failed-event.ts';

/**
 * Erasing a customer's personal data: everything that identifies them goes
 * (fields and their history, identifiers, cards, phone and e-mail
 * attributes, channel accounts, identity links, what triggered their points
 * contributions, and the payloads of every logged event that mentions
 * them, events that failed to project keep only what is not personal);
 * what stays is a tombstone, the profile key with its first and last
 * event times, group memberships and points, so that later events for the
 * key are recognised (reduceDetails) and stored without personal data.
 * Profiles merged into an erased one are the same person under an older
 * key: what stayed under that key (history, logged events) goes too.
 */

/** Which of these keys belong to customers erased before. */
export async function findErased(tx: Queryable, workspaceId: string, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const result = await tx.query<{ customer_key: string }>(
    `SELECT customer_key FROM erased_customers
      WHERE workspace_id = $1 AND customer_key IN (SELECT json_array_elements_text($2::json))`,
    [workspaceId, JSON.stringify(keys)],
  );
  return new Set(result.rows.map((r) => r.customer_key));
}

// Per-customer tables holding personal data, by their customer column.
const PERSONAL_TABLES: ReadonlyArray<[table: string, column: string]> = [
  ['customer_identifiers', 'customer_key'],
  ['profile_field_values', 'customer_key'],
  ['profile_field_changes', 'customer_key'],
  ['channel_subscriptions', 'customer_key'],
  ['attributes', 'customer_key'],
  ['attribute_changes', 'customer_key'],
  ['identity_links', 'key_a'],
  ['identity_links', 'key_b'],
];

export async function eraseCustomers(tx: Queryable, workspaceId: string, rows: readonly ErasureRow[]): Promise<void> {
  if (rows.length === 0) return;
  const erased = [...rows.map((r) => r.customer_key), ...(await keysMergedInto(tx, workspaceId, rows.map((r) => r.customer_key)))];
  const keys = JSON.stringify(erased);
  const inKeys = (column: string) => `workspace_id = $1 AND ${column} IN (SELECT json_array_elements_text($2::json))`;
  for (const [table, column] of PERSONAL_TABLES) await tx.query(`DELETE FROM ${table} WHERE ${inKeys(column)}`, [workspaceId, keys]);
  await tx.query(
    `DELETE FROM card_changes h USING cards c
      WHERE h.workspace_id = $1 AND c.workspace_id = $1 AND h.source = c.source AND h.card_number = c.card_number
        AND c.customer_key IN (SELECT json_array_elements_text($2::json))`,
    [workspaceId, keys],
  );
  await tx.query(`DELETE FROM cards WHERE ${inKeys('customer_key')}`, [workspaceId, keys]);
  await clearSourceIds(tx, workspaceId, erased);
  await tx.query(
    `INSERT INTO erased_customers (workspace_id, customer_key, erased_at, event_seq)
     SELECT $1, r.customer_key, r.erased_at, r.event_seq
       FROM json_to_recordset($2::json) AS r(customer_key text, erased_at timestamptz, event_seq bigint)
     ON CONFLICT DO NOTHING`,
    [workspaceId, JSON.stringify(rows)],
  );
  // every event addressed to them or naming them (group events of others)
  await tx.query(
    `UPDATE events SET payload = $3::jsonb
      WHERE workspace_id = $1 AND (payload ->> '${ERASED_PAYLOAD_KEY}') IS NULL
        AND (customer_key IN (SELECT json_array_elements_text($2::json))
             OR seq IN (SELECT event_seq FROM event_subjects
                         WHERE workspace_id = $1 AND customer_key IN (SELECT json_array_elements_text($2::json))))`,
    [workspaceId, keys, JSON.stringify(erasedPayload())],
  );
  await redactFailures(tx, workspaceId, erased);
}

/**
 * Failed events addressed to or naming these (erased) customers keep no
 * personal data of theirs (nor in the reason, which can quote a value), and
 * nor do their payloads in the log: a failed event was never projected, so
 * no event_subjects row leads the erasure of a member it names to its payload.
 */
async function redactFailures(tx: Queryable, workspaceId: string, erasedKeys: readonly string[]): Promise<void> {
  const failures = await readFailuresNaming(tx, workspaceId, erasedKeys);
  if (failures.length === 0) return;
  const erased = new Set(erasedKeys);
  const redacted = failures.map(({ seq, customerKey, event, error }) => ({ seq, event: redactedOrStub(customerKey, event, erased), error: withoutQuotedValues(error) }));
  await replaceFailedEvents(tx, workspaceId, redacted);
  await scrubPayloads(tx, workspaceId, failures.map((f) => f.seq));
}

/**
 * Run where a failure is recorded, under the apply lock, with the keys the
 * event names (keysNamedBy): an event naming a customer erased before it
 * failed (a late delivery) is kept without their personal data, as the
 * erasure would have left it.
 */
export async function redactFailureOfErased(tx: Queryable, workspaceId: string, named: readonly string[]): Promise<void> {
  const targets = await findMergeTargets(tx, workspaceId, named);
  const erased = await findErased(tx, workspaceId, [...new Set([...named, ...targets.values()])]);
  const erasedNamed = named.filter((key) => erased.has(key) || erased.has(targets.get(key) ?? key));
  await redactFailures(tx, workspaceId, erasedNamed);
}

/**
 * The group points ledger keeps an erased customer's points (the group's
 * balance), not what triggered them. Run after the batch's points are
 * written, so a contribution in the same batch as the erasure, or after it,
 * is cleared too.
 */
export async function clearErasedContributions(tx: Queryable, workspaceId: string, erasedKeys: readonly string[]): Promise<void> {
  if (erasedKeys.length === 0) return;
  await tx.query(
    `UPDATE group_points SET activity = NULL
      WHERE workspace_id = $1 AND contributor_key IN (SELECT json_array_elements_text($2::json)) AND activity IS NOT NULL`,
    [workspaceId, JSON.stringify(erasedKeys)],
  );
}

/** Replaces the payloads of these events (they mention a customer erased earlier). */
export async function scrubPayloads(tx: Queryable, workspaceId: string, seqs: readonly number[]): Promise<void> {
  if (seqs.length === 0) return;
  await tx.query(
    `UPDATE events SET payload = $3::jsonb
      WHERE workspace_id = $1 AND seq IN (SELECT json_array_elements_text($2::json)::bigint)
        AND (payload ->> '${ERASED_PAYLOAD_KEY}') IS NULL`,
    [workspaceId, JSON.stringify(seqs), JSON.stringify(erasedPayload())],
  );
}

/** Customers an event names besides its addressee, so an erasure finds the event. */
export function insertEventSubjects(rows: ReadonlyArray<{ customer_key: string; event_seq: number }>): TableWrite {
  return {
    rows,
    statement: (param) => `INSERT INTO event_subjects (workspace_id, customer_key, event_seq)
     SELECT $1, r.customer_key, r.event_seq FROM json_to_recordset(${param}::json) AS r(customer_key text, event_seq bigint)
     ON CONFLICT DO NOTHING`,
  };
}
