import type { TableWrite } from './combined-writes.ts';
import type { FieldChangeRow, FieldRow } from './reduce-details.ts';

/**
 * Writes to `profile_fields` and `profile_field_changes`. The current value
 * of a field is the one with the latest change time (then the latest
 * event), whatever order the events arrive in.
 */
export function upsertProfileFields(rows: readonly FieldRow[]): TableWrite {
  return {
    rows,
    statement: (param) => `INSERT INTO profile_fields AS f (workspace_id, customer_key, field_type, name, value, changed_at, event_seq)
     SELECT $1, r.customer_key, r.field_type, r.name, r.value, r.changed_at, r.event_seq
       FROM json_to_recordset(${param}::json) AS r(customer_key text, field_type text, name text, value text, changed_at timestamptz, event_seq bigint)
     ON CONFLICT (workspace_id, customer_key, field_type, name) DO UPDATE SET
       value = EXCLUDED.value,
       changed_at = EXCLUDED.changed_at,
       event_seq = EXCLUDED.event_seq
     WHERE (EXCLUDED.changed_at, EXCLUDED.event_seq) >= (f.changed_at, f.event_seq)`,
  };
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
