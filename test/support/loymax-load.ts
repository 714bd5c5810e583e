import { generateLoymaxEvents } from '../../bench/lib/generate-loymax-events.ts';
import type { OutgoingLoymaxEvent } from '../../src/broker/publish-loymax.ts';
import type { Queryable } from '../../src/store/db.ts';

/**
 * A realistic Loymax load for the consumer tests, with what it must leave in
 * the store once every event is applied exactly once.
 *
 * Every other event is sent without a message-id, so both identity paths are
 * exercised: purchases, refunds and attribute updates still have one of their
 * own (purchase id, activityUid); the other identity-less events rely on the
 * redelivery rule (pending_acks).
 *
 * The generator sometimes emits the same body twice as two real events (a
 * card set again on the same slot, the same subscription choice again).
 * Without any identity such a pair is only told apart from a redelivery by
 * the pending_acks bookkeeping, which a crash between an ack and its
 * bookkeeping can leave behind; the second and later copies of a body keep
 * their message-id so the expected totals are exact.
 */
export interface LoymaxLoad {
  events: OutgoingLoymaxEvent[];
  expected: {
    events: number;
    purchases: number;
    refunds: number;
    cardChanges: number;
    attributeChanges: number;
  };
  withoutMessageId: number;
  repeatedBodies: number;
  /** The last published value of each attribute, by `customerKey \0 code`. */
  lastAttributeValues: Map<string, string | null>;
}

export interface LoymaxLoadOptions {
  events: number;
  customers: number;
  seed?: number;
  /** Leave out profile merges, so attributes stay on their own customer. */
  withoutMerges?: boolean;
}

const CARD_CHANGE_KEYS = new Set([
  'customer.card.changeState',
  'customer.card.changeBlockState',
  'customer.card.changeDeleteState',
  'customer.card.changeCategory',
]);

export function buildLoymaxLoad(options: LoymaxLoadOptions): LoymaxLoad {
  const events: OutgoingLoymaxEvent[] = [];
  const seenBodies = new Set<string>();
  const purchaseIds = new Set<string>();
  const refundIds = new Set<string>();
  const lastAttributeValues = new Map<string, string | null>();
  let cardChanges = 0;
  let attributeChanges = 0;
  let withoutMessageId = 0;
  let repeatedBodies = 0;

  // Generate more than asked when merges are left out, then cut to size.
  const generated = generateLoymaxEvents({ events: options.withoutMerges ? options.events * 2 : options.events, customers: options.customers, seed: options.seed ?? 1 });
  for (const { routingKey, body, messageId } of generated) {
    if (events.length === options.events) break;
    if (options.withoutMerges && routingKey === 'customer.profile.merge') continue;
    const bodyKey = `${routingKey}\u0000${JSON.stringify(body)}`;
    const repeated = seenBodies.has(bodyKey);
    seenBodies.add(bodyKey);
    if (repeated) repeatedBodies += 1;
    const dropId = events.length % 2 === 1 && !repeated;
    if (dropId) withoutMessageId += 1;
    events.push({ routingKey, body, messageId: dropId ? null : messageId });

    const b = body as any;
    if (routingKey === 'purchases.confirm.modelUpdate') purchaseIds.add(String(b.purchaseOperationInfo.purchaseData.purchaseId));
    else if (routingKey === 'purchases.refundModelUpdate') refundIds.add(String(b.refundOperationInfo.purchaseData.purchaseId));
    else if (routingKey === 'customer.card.link') cardChanges += b.oldCard ? 2 : 1;
    else if (CARD_CHANGE_KEYS.has(routingKey)) cardChanges += 1;
    else if (routingKey === 'customer.attribute.update') {
      attributeChanges += 1;
      lastAttributeValues.set(`loymax:${b.customerInfo.customerId}\u0000${b.attributeCode}`, b.newValue === null ? null : String(b.newValue));
    }
  }

  return {
    events,
    expected: { events: events.length, purchases: purchaseIds.size, refunds: refundIds.size, cardChanges, attributeChanges },
    withoutMessageId,
    repeatedBodies,
    lastAttributeValues,
  };
}

/** The same counts as `LoymaxLoad.expected`, read from the store. */
export async function storedCounts(db: Queryable): Promise<LoymaxLoad['expected']> {
  const { rows } = await db.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM events)::int AS events,
            (SELECT count(*) FROM purchases)::int AS purchases,
            (SELECT count(*) FROM refunds)::int AS refunds,
            (SELECT count(*) FROM card_changes)::int AS "cardChanges",
            (SELECT count(*) FROM attribute_changes)::int AS "attributeChanges"`,
  );
  const row = rows[0]!;
  return { events: row.events!, purchases: row.purchases!, refunds: row.refunds!, cardChanges: row.cardChanges!, attributeChanges: row.attributeChanges! };
}
