import type { TableWrite } from './combined-writes.ts';
import type { FieldChangeRow, FieldRow } from './reduce-details.ts';

/**
 * Writes to `profile_fields` and `profile_field_changes`. The current value
 * of a field is the one with the latest change time (then the latest
 * event), whatever order the events arrive in.
 *
 * Two writes over the same rows: the fields of profiles that have none yet
 * are plain inserts, the others upserts. An import brings a dozen fields
 * for each of thousands of new profiles, and the conflict check of an
 * upsert was 40% of the write (one index probe per profile replaces one per
 * field). Safe because every writer of this table holds the workspace's
 * apply lock (workspace-lock.ts), so no row can appear between the check and
 * the insert; the two writes never touch the same profile.
 */
export function upsertProfileFields(rows: readonly FieldRow[]): TableWrite[] {
  const groups = groupByEvent(rows);
  const fieldRows = (param: string) => `SELECT $1, g.customer_key, g.field_type, e.key, e.value, g.changed_at, g.event_seq
       FROM json_to_recordset(${param}::json) AS g(customer_key text, field_type text, changed_at timestamptz, event_seq bigint, fields json),
            json_each_text(g.fields) AS e`;
  const hasFields = 'SELECT 1 FROM profile_fields p WHERE p.workspace_id = $1 AND p.customer_key = g.customer_key';
  return [
    {
      rows: groups,
      statement: (param) => `INSERT INTO profile_fields (workspace_id, customer_key, field_type, name, value, changed_at, event_seq)
     ${fieldRows(param)}
      WHERE NOT EXISTS (${hasFields})`,
    },
    {
      rows: groups,
      statement: (param) => `INSERT INTO profile_fields AS f (workspace_id, customer_key, field_type, name, value, changed_at, event_seq)
     ${fieldRows(param)}
      WHERE EXISTS (${hasFields})
     ON CONFLICT (workspace_id, customer_key, field_type, name) DO UPDATE SET
       value = EXCLUDED.value,
       changed_at = EXCLUDED.changed_at,
       event_seq = EXCLUDED.event_seq
     WHERE (EXCLUDED.changed_at, EXCLUDED.event_seq) >= (f.changed_at, f.event_seq)`,
    },
  ];
}

interface FieldGroup {
  customer_key: string;
  field_type: string;
  changed_at: string;
  event_seq: number;
  fields: Record<string, string | null>;
}

/**
 * The rows of one customer, field type and event as one object of fields:
 * an import writes a dozen fields per customer, and the same fields as one
 * row each made the JSON five times larger, with its building here and its
 * parsing in PostgreSQL a third of the write. Rows of one group come one
 * after the other from reduceDetails; a row out of that order only starts
 * another group. Names are unique per customer and type, so nothing merges
 * (and a null-prototype object keeps a field named `__proto__`).
 */
function groupByEvent(rows: readonly FieldRow[]): FieldGroup[] {
  const groups: FieldGroup[] = [];
  let group: FieldGroup | undefined;
  for (const r of rows) {
    if (!group || group.customer_key !== r.customer_key || group.field_type !== r.field_type || group.event_seq !== r.event_seq || group.changed_at !== r.changed_at) {
      group = { customer_key: r.customer_key, field_type: r.field_type, changed_at: r.changed_at, event_seq: r.event_seq, fields: Object.create(null) as Record<string, string | null> };
      groups.push(group);
    }
    group.fields[r.name] = r.value;
  }
  return groups;
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
