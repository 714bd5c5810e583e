import type { Queryable } from '../store/db.ts';
import type { TableWrite } from './combined-writes.ts';
import type { FieldChangeRow, FieldRow } from './detail-rows.ts';

/**
 * Writes to `profile_field_values` and `profile_field_changes`. The current
 * value of a field is the one with the latest change time (then the latest
 * event), whatever order the events arrive in.
 *
 * A profile's fields of one type are one document ({name: {v, at, seq}}):
 * an import brings a dozen fields for each new profile, and a row per field
 * made this the largest write of an import. reduceDetails leaves at most
 * one row per customer, type and name. The stored documents are read first
 * (readFieldDocuments) and merged here, field by field; only a document
 * that changes is written, whole. (Merging them in the statement, as jsonb,
 * cost the store 90 µs a document.) The caller holds the workspace's apply
 * lock, so nothing writes a document between the read and the write.
 */
export type StoredFieldDocuments = ReadonlyMap<string, Record<string, FieldEntry>>;

const documentKey = (customerKey: string, fieldType: string) => `${customerKey}\u0000${fieldType}`;

/** The stored documents of the profiles and field types these rows write. */
export async function readFieldDocuments(tx: Queryable, workspaceId: string, rows: readonly FieldRow[]): Promise<StoredFieldDocuments> {
  const keys = new Map(rows.map((r) => [documentKey(r.customer_key, r.field_type), r]));
  if (keys.size === 0) return new Map();
  const wanted = [...keys.values()];
  const result = await tx.query<{ customer_key: string; field_type: string; fields: Record<string, FieldEntry> }>(
    // one index lookup per document (LIMIT 1 keeps the planner from scanning the workspace's documents)
    `SELECT k.customer_key, k.field_type, d.fields
       FROM unnest($2::text[], $3::text[]) AS k(customer_key, field_type)
       CROSS JOIN LATERAL (SELECT fields FROM profile_field_values
                            WHERE workspace_id = $1 AND customer_key = k.customer_key AND field_type = k.field_type LIMIT 1) AS d`,
    [workspaceId, wanted.map((r) => r.customer_key), wanted.map((r) => r.field_type)],
  );
  return new Map(result.rows.map((r) => [documentKey(r.customer_key, r.field_type), r.fields]));
}

export function upsertProfileFields(rows: readonly FieldRow[], stored: StoredFieldDocuments): TableWrite {
  return {
    rows: changedDocuments(rows, stored),
    statement: (param) => `INSERT INTO profile_field_values AS d (workspace_id, customer_key, field_type, fields)
     SELECT $1, g.customer_key, g.field_type, g.fields
       FROM json_to_recordset(${param}::json) AS g(customer_key text, field_type text, fields json)
     ON CONFLICT (workspace_id, customer_key, field_type) DO UPDATE SET fields = EXCLUDED.fields`,
  };
}

export interface FieldEntry {
  v: string | null;
  /** As the event gave it: the events row of the same transaction holds it as a timestamptz, so it is one. */
  at: string;
  seq: number;
}

interface FieldDocument {
  customer_key: string;
  field_type: string;
  fields: Record<string, FieldEntry>;
}

/**
 * Each stored document with the rows laid over it (a row wins over a stored
 * field changed no later), and each new one; those that come out as stored
 * are left out. (A null-prototype object keeps a field named `__proto__`.)
 */
function changedDocuments(rows: readonly FieldRow[], stored: StoredFieldDocuments): FieldDocument[] {
  const documents = new Map<string, FieldDocument & { changed: boolean }>();
  for (const r of rows) {
    const key = documentKey(r.customer_key, r.field_type);
    let document = documents.get(key);
    if (!document) {
      const fields = Object.assign(Object.create(null) as Record<string, FieldEntry>, stored.get(key));
      documents.set(key, (document = { customer_key: r.customer_key, field_type: r.field_type, fields, changed: !stored.has(key) }));
    }
    const current = Object.hasOwn(document.fields, r.name) ? document.fields[r.name] : undefined;
    const incoming: FieldEntry = { v: r.value, at: r.changed_at, seq: r.event_seq };
    if (current && laterThan(current, incoming)) continue;
    if (current && current.v === incoming.v && current.seq === incoming.seq && Date.parse(current.at) === Date.parse(incoming.at)) continue;
    document.fields[r.name] = incoming;
    document.changed = true;
  }
  return [...documents.values()].filter((d) => d.changed).map(({ customer_key, field_type, fields }) => ({ customer_key, field_type, fields }));
}

/** Whether a stored field was changed after the incoming one (its time, then its event). */
function laterThan(stored: FieldEntry, incoming: FieldEntry): boolean {
  const [a, b] = [Date.parse(stored.at), Date.parse(incoming.at)];
  return a > b || (a === b && stored.seq > incoming.seq);
}

export function insertProfileFieldChanges(rows: readonly FieldChangeRow[]): TableWrite {
  return {
    rows,
    statement: (param) => `INSERT INTO profile_field_changes (workspace_id, event_seq, field_type, name, customer_key, previous_value, current_value, changed_at)
     SELECT $1, r.event_seq, r.field_type, r.name, r.customer_key, r.previous_value, r.current_value, r.changed_at
       FROM json_to_recordset(${param}::json) AS r(event_seq bigint, field_type text, name text, customer_key text, previous_value text,
            current_value text, changed_at timestamptz)
     ON CONFLICT DO NOTHING`,
  };
}
