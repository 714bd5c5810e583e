import type { SubscriptionRow } from './reduce-segment.ts';

/**
 * A later subscription change over an earlier one of the same batch, as the
 * upsert lays it over the stored row: a channel (or type detail) the later
 * message leaves out keeps the earlier value. Without this, two changes of
 * one type in one batch kept only the later message, while the same two in
 * two batches kept both: the profile depended on how events were batched.
 */
export function overlaySubscription(earlier: SubscriptionRow | undefined, later: SubscriptionRow): SubscriptionRow {
  if (!earlier) return later;
  const overlaid: SubscriptionRow = { ...later };
  for (const column of SUBSCRIPTION_DETAILS) overlaid[column] = later[column] ?? earlier[column];
  return overlaid;
}

/** The columns a subscription message may leave out (null: unchanged); the batch, the SQL upsert and the merge treat them alike. */
export const SUBSCRIPTION_DETAILS = ['type_id', 'type_name', 'mailing_subscription_type', 'mail', 'push', 'sms', 'viber', 'chat_bot', 'social_networks'] as const;
