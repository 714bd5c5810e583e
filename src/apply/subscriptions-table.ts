import type { Queryable } from '../store/db.ts';
import { MERGE_PAIRS, mergePairParams, type MergePair } from './merge-pairs.ts';
import type { SubscriptionRow } from './reduce-segment.ts';
import { SUBSCRIPTION_DETAILS } from './subscription-overlay.ts';

/** Writes to `subscriptions`: one row per customer and subscription type, the latest event's, with the channels it leaves out kept. */
export async function upsertSubscriptions(tx: Queryable, workspaceId: string, rows: readonly SubscriptionRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO subscriptions AS s (workspace_id, customer_key, type_code, type_id, type_name, mailing_subscription_type,
                                    mail, push, sms, viber, chat_bot, social_networks, event_seq, updated_at)
     SELECT $1, r.customer_key, r.type_code, r.type_id, r.type_name, r.mailing_subscription_type, r.mail, r.push, r.sms,
            r.viber, r.chat_bot, r.social_networks, r.event_seq, r.updated_at
       FROM json_to_recordset($2::json) AS r(customer_key text, type_code text, type_id text, type_name text,
            mailing_subscription_type text, mail text, push text, sms text, viber text, chat_bot text, social_networks text,
            event_seq bigint, updated_at timestamptz)
     ON CONFLICT (workspace_id, customer_key, type_code) DO UPDATE SET
       ${SUBSCRIPTION_DETAILS.map((c) => `${c} = COALESCE(EXCLUDED.${c}, s.${c})`).join(',\n       ')},
       event_seq = EXCLUDED.event_seq,
       updated_at = EXCLUDED.updated_at
     WHERE EXCLUDED.event_seq >= s.event_seq`,
    [workspaceId, JSON.stringify(rows)],
  );
}

/**
 * Moves a merged profile's subscriptions. Where both profiles have a type,
 * the two rows become one as the upsert would have laid the later over the
 * earlier: the later row's channels, and the earlier's where the later has
 * none (a whole-row choice lost channels only the older row knew).
 */
export async function moveSubscriptions(tx: Queryable, workspaceId: string, pairs: readonly MergePair[]): Promise<void> {
  const params = mergePairParams(workspaceId, pairs);
  const overlaid = SUBSCRIPTION_DETAILS.map(
    (c) => `${c} = CASE WHEN f.event_seq > t.event_seq THEN COALESCE(f.${c}, t.${c}) ELSE COALESCE(t.${c}, f.${c}) END`,
  ).join(',\n           ');
  await tx.query(
    `UPDATE subscriptions t SET
           ${overlaid},
           event_seq = GREATEST(t.event_seq, f.event_seq),
           updated_at = CASE WHEN f.event_seq > t.event_seq THEN f.updated_at ELSE t.updated_at END
      FROM subscriptions f, ${MERGE_PAIRS}
     WHERE t.workspace_id = $1 AND t.customer_key = m.into_key AND f.workspace_id = $1 AND f.customer_key = m.from_key AND f.type_code = t.type_code`,
    params,
  );
  await tx.query(
    `DELETE FROM subscriptions f USING subscriptions t, ${MERGE_PAIRS}
      WHERE f.workspace_id = $1 AND f.customer_key = m.from_key AND t.workspace_id = $1 AND t.customer_key = m.into_key AND t.type_code = f.type_code`,
    params,
  );
  await tx.query(`UPDATE subscriptions s SET customer_key = m.into_key FROM ${MERGE_PAIRS} WHERE s.workspace_id = $1 AND s.customer_key = m.from_key`, params);
}
