import type { TableWrite } from './combined-writes.ts';
import type { ChannelSubscriptionRow } from './detail-rows.ts';

/** Writes to `channel_subscriptions`: per channel, source account and priority, the latest change wins. */
export function upsertChannelSubscriptions(rows: readonly ChannelSubscriptionRow[]): TableWrite {
  return {
    rows,
    statement: (param) => `INSERT INTO channel_subscriptions AS s (workspace_id, customer_key, channel, source_account_id, priority, status,
                                            previous_status, source_name, ou_id, ou_code, changed_at, event_seq)
     SELECT $1, r.customer_key, r.channel, r.source_account_id, r.priority, r.status, r.previous_status, r.source_name, r.ou_id,
            r.ou_code, r.changed_at, r.event_seq
       FROM json_to_recordset(${param}::json) AS r(customer_key text, channel text, source_account_id text, priority text, status text,
            previous_status text, source_name text, ou_id text, ou_code text, changed_at timestamptz, event_seq bigint)
     ON CONFLICT (workspace_id, customer_key, channel, source_account_id, priority) DO UPDATE SET
       status = EXCLUDED.status,
       previous_status = EXCLUDED.previous_status,
       source_name = COALESCE(EXCLUDED.source_name, s.source_name),
       ou_id = COALESCE(EXCLUDED.ou_id, s.ou_id),
       ou_code = COALESCE(EXCLUDED.ou_code, s.ou_code),
       changed_at = EXCLUDED.changed_at,
       event_seq = EXCLUDED.event_seq
     WHERE (EXCLUDED.changed_at, EXCLUDED.event_seq) >= (s.changed_at, s.event_seq)`,
  };
}
