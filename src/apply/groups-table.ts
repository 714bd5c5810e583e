import type { TableWrite } from './combined-writes.ts';
import type { GroupMemberRow, GroupPointsRow, GroupRow } from './detail-rows.ts';

/** Writes to `customer_groups`, `group_members` and the points ledger `group_points`. */

/** A group's name and primary member are the latest groupCreated / groupUpdated's (where it names them). */
export function upsertGroups(rows: readonly GroupRow[]): TableWrite {
  return {
    rows,
    statement: (param) => `INSERT INTO customer_groups AS g (workspace_id, source, group_id, name, primary_customer_key, created_at, changed_at, event_seq)
     SELECT $1, r.source, r.group_id, r.name, r.primary_customer_key, r.created_at, r.changed_at, r.event_seq
       FROM json_to_recordset(${param}::json) AS r(source text, group_id text, name text, primary_customer_key text,
            created_at timestamptz, changed_at timestamptz, event_seq bigint)
     ON CONFLICT (workspace_id, source, group_id) DO UPDATE SET
       name = CASE WHEN (EXCLUDED.changed_at, EXCLUDED.event_seq) >= (g.changed_at, g.event_seq)
                   THEN COALESCE(EXCLUDED.name, g.name) ELSE COALESCE(g.name, EXCLUDED.name) END,
       primary_customer_key = CASE WHEN (EXCLUDED.changed_at, EXCLUDED.event_seq) >= (g.changed_at, g.event_seq)
                   THEN COALESCE(EXCLUDED.primary_customer_key, g.primary_customer_key)
                   ELSE COALESCE(g.primary_customer_key, EXCLUDED.primary_customer_key) END,
       created_at = LEAST(g.created_at, EXCLUDED.created_at),
       changed_at = GREATEST(g.changed_at, EXCLUDED.changed_at),
       event_seq = GREATEST(g.event_seq, EXCLUDED.event_seq)`,
  };
}

/**
 * Groups other events name (member added, points contributed): a new group
 * is recorded as not yet defined (-infinity, so any groupCreated/Updated
 * wins), a known one only gets what it lacks; most such events write nothing.
 */
export function insertMentionedGroups(rows: readonly GroupRow[]): TableWrite {
  return {
    rows,
    statement: (param) => `INSERT INTO customer_groups AS g (workspace_id, source, group_id, name, primary_customer_key, created_at, changed_at, event_seq)
     SELECT $1, r.source, r.group_id, r.name, r.primary_customer_key, NULL, '-infinity', 0
       FROM json_to_recordset(${param}::json) AS r(source text, group_id text, name text, primary_customer_key text)
     ON CONFLICT (workspace_id, source, group_id) DO UPDATE SET
       name = COALESCE(g.name, EXCLUDED.name),
       primary_customer_key = COALESCE(g.primary_customer_key, EXCLUDED.primary_customer_key)
     WHERE (g.name IS NULL AND EXCLUDED.name IS NOT NULL)
        OR (g.primary_customer_key IS NULL AND EXCLUDED.primary_customer_key IS NOT NULL)`,
  };
}

const INSERT_MEMBERS = (rows: string) => `INSERT INTO group_members AS m (workspace_id, source, group_id, customer_key, role, status, changed_at, event_seq)
     SELECT $1, r.source, r.group_id, r.customer_key, r.role, r.status, r.changed_at, r.event_seq
       FROM json_to_recordset(${rows}::json) AS r(source text, group_id text, customer_key text, role text, status text,
            changed_at timestamptz, event_seq bigint)
     ON CONFLICT (workspace_id, source, group_id, customer_key)`;

/** Members an event is about take its state when it is the latest change. */
export function upsertGroupMembers(rows: readonly GroupMemberRow[]): TableWrite {
  return {
    rows,
    statement: (param) => `${INSERT_MEMBERS(param)} DO UPDATE SET
       role = COALESCE(EXCLUDED.role, m.role),
       status = EXCLUDED.status,
       changed_at = EXCLUDED.changed_at,
       event_seq = EXCLUDED.event_seq
     WHERE (EXCLUDED.changed_at, EXCLUDED.event_seq) >= (m.changed_at, m.event_seq)`,
  };
}

/** Members an event only mentions are recorded as active when not known yet. */
export function insertMentionedGroupMembers(rows: readonly GroupMemberRow[]): TableWrite {
  return { rows, statement: (param) => `${INSERT_MEMBERS(param)} DO NOTHING` };
}

export function insertGroupPoints(rows: readonly GroupPointsRow[]): TableWrite {
  return {
    rows,
    statement: (param) => `INSERT INTO group_points (workspace_id, event_seq, source, group_id, contributor_key, points, loyalty_program_id,
                               loyalty_program, activity, occurred_at)
     SELECT $1, r.event_seq, r.source, r.group_id, r.contributor_key, r.points, r.loyalty_program_id, r.loyalty_program, r.activity,
            r.occurred_at
       FROM json_to_recordset(${param}::json) AS r(event_seq bigint, source text, group_id text, contributor_key text, points numeric,
            loyalty_program_id text, loyalty_program jsonb, activity jsonb, occurred_at timestamptz)
     ON CONFLICT DO NOTHING`,
  };
}
