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
 * one row per customer, type and name, so the fields of one customer and
 * type gather into one document without two entries for one name; an
 * existing document keeps each field whose stored change is later, and is
 * not rewritten at all when every incoming field is older (a late event).
 * The column is json (written as sent, no conversion); only a conflict
 * converts the stored document to jsonb, once.
 */
export function upsertProfileFields(rows: readonly FieldRow[]): TableWrite {
  // The stored document as jsonb (cur.doc) beside the incoming fields (n): the incoming field wins.
  const incomingWins = `NOT cur.doc ? n.key
              OR ((n.value ->> 'at')::timestamptz, (n.value ->> 'seq')::bigint)
                 >= ((cur.doc -> n.key ->> 'at')::timestamptz, (cur.doc -> n.key ->> 'seq')::bigint)`;
  const stored = '(SELECT d.fields::jsonb AS doc) AS cur';
  const incoming = 'jsonb_each(EXCLUDED.fields::jsonb) AS n';
  return {
    rows: documentsOf(rows),
    statement: (param) => `INSERT INTO profile_field_values AS d (workspace_id, customer_key, field_type, fields)
     SELECT $1, g.customer_key, g.field_type, g.fields
       FROM json_to_recordset(${param}::json) AS g(customer_key text, field_type text, fields json)
     ON CONFLICT (workspace_id, customer_key, field_type) DO UPDATE SET
       fields = (SELECT (cur.doc || coalesce((SELECT jsonb_object_agg(n.key, n.value) FROM ${incoming} WHERE ${incomingWins}), '{}'::jsonb))::json
                   FROM ${stored})
     WHERE EXISTS (SELECT 1 FROM ${stored}, ${incoming} WHERE ${incomingWins})`,
  };
}

interface FieldEntry {
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
 * The rows of one customer and field type as one document. Rows of one
 * document come one after the other from reduceDetails, one per name; a row
 * out of that order would start a second document for the same row, which
 * the statement could not write twice, so documents are found by key.
 * (A null-prototype object keeps a field named `__proto__`.)
 */
function documentsOf(rows: readonly FieldRow[]): FieldDocument[] {
  const documents = new Map<string, FieldDocument>();
  let last: FieldDocument | undefined;
  for (const r of rows) {
    if (!last || last.customer_key !== r.customer_key || last.field_type !== r.field_type) {
      const key = `${r.customer_key}\u0000${r.field_type}`;
      last = documents.get(key);
      if (!last) documents.set(key, (last = { customer_key: r.customer_key, field_type: r.field_type, fields: Object.create(null) as Record<string, FieldEntry> }));
    }
    last.fields[r.name] = { v: r.value, at: r.changed_at, seq: r.event_seq };
  }
  return [...documents.values()];
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
