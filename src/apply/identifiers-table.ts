import type { TableWrite } from './combined-writes.ts';
import type { IdentifierRow } from './detail-rows.ts';

/**
 * Writes to `customer_identifiers`. A single identifier (the one instore
 * mobile, e-mail ...) lives in the slot '' of its kind and channel and is
 * replaced by a value seen later; an older one arriving late changes
 * nothing. Other identifiers have a slot each and accumulate.
 */
const INSERT = (rows: string) => `INSERT INTO customer_identifiers AS i (workspace_id, customer_key, channel, kind, slot, value, lookup_value, seen_at, event_seq)
     SELECT $1, r.customer_key, r.channel, r.kind, CASE WHEN r.single THEN '' ELSE r.value END, r.value, r.lookup_value, r.seen_at, r.event_seq
       FROM json_to_recordset(${rows}::json) AS r(customer_key text, channel text, kind text, value text, lookup_value text,
            single boolean, seen_at timestamptz, event_seq bigint)
     ON CONFLICT (workspace_id, customer_key, channel, kind, slot)`;

export function upsertIdentifiers(rows: readonly IdentifierRow[]): TableWrite {
  return {
    rows,
    statement: (param) => `${INSERT(param)} DO UPDATE SET
       value = EXCLUDED.value,
       lookup_value = EXCLUDED.lookup_value,
       seen_at = EXCLUDED.seen_at,
       event_seq = EXCLUDED.event_seq
     WHERE i.slot = '' AND (EXCLUDED.seen_at, EXCLUDED.event_seq) > (i.seen_at, i.event_seq)`,
  };
}

/** Identifiers of customers an event only mentions: they fill gaps, never replace what is known. */
export function insertMissingIdentifiers(rows: readonly IdentifierRow[]): TableWrite {
  return { rows, statement: (param) => `${INSERT(param)} DO NOTHING` };
}
