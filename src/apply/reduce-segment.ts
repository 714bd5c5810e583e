import type { CanonicalEvent, CardSnapshot, CustomerRef } from '../events/canonical.ts';
import { bareCustomerRef } from '../events/customer-ref.ts';
import { overlaySubscription } from './subscription-overlay.ts';

/**
 * Folds a run of events (no merge inside) into one row per changed entity, so
 * each table is written with a single statement per batch. Later events win
 * within the run, exactly as if they were applied one by one; the SQL guards
 * (timestamps, sequence numbers) decide between the run and what is stored.
 */

export interface AppliedEvent {
  event: CanonicalEvent;
  seq: number;
  /** The profile the event lands on: its own customer, or the profile it was merged into. */
  targetKey: string;
}

export interface CustomerRow {
  customer_key: string;
  source: string;
  external_id: string;
  customer_uid: string | null;
  customer_code: string | null;
  account_group_id: string | null;
  identifier_id: string | null;
  mobile_device_id: string | null;
  application_id: string | null;
  registration_started_at: string | null;
  registration_completed_at: string | null;
  seen_at: string;
}

export interface CardRow {
  card_number: string;
  source: string;
  customer_key: string;
  card_id: string | null;
  state: string | null;
  card_type: string | null;
  category: string | null;
  bar_code: string | null;
  strip1: string | null;
  strip2: string | null;
  strip3: string | null;
  blocked: boolean | null;
  deleted: boolean | null;
  activation_date: string | null;
  link_type: string | null;
  link_source: string | null;
  replaced_by: string | null;
  /** Linked anew in the segment: a replacement recorded before that no longer holds (replaced_by is then written as it is here, null or not). */
  relinked: boolean;
  updated_at: string;
}

export interface CardChangeRow {
  source: string;
  card_number: string;
  event_seq: number;
  change: string;
  details: Record<string, unknown>;
  occurred_at: string;
}

export interface AttributeRow {
  customer_key: string;
  code: string;
  attribute_id: string | null;
  user_attribute_type: string | null;
  value: string | null;
  changed_at: string;
  event_seq: number;
  activity_uid: string | null;
  lookup_kind: string | null;
  lookup_value: string | null;
}

export interface AttributeChangeRow {
  event_seq: number;
  customer_key: string;
  code: string;
  old_value: string | null;
  new_value: string | null;
  changed_at: string;
  activity_uid: string | null;
  from_batch_operation: boolean | null;
}

export interface SubscriptionRow {
  customer_key: string;
  type_code: string;
  type_id: string | null;
  type_name: string | null;
  mailing_subscription_type: string | null;
  mail: string | null;
  push: string | null;
  sms: string | null;
  viber: string | null;
  chat_bot: string | null;
  social_networks: string | null;
  event_seq: number;
  updated_at: string;
}

export interface ReceiptRow {
  source: string;
  id: string;
  customer_key: string;
  event_seq: number;
  [column: string]: unknown;
}

export interface SegmentRows {
  customers: CustomerRow[];
  cards: CardRow[];
  cardChanges: CardChangeRow[];
  attributes: AttributeRow[];
  attributeChanges: AttributeChangeRow[];
  subscriptions: SubscriptionRow[];
  purchases: ReceiptRow[];
  refunds: ReceiptRow[];
}

export function reduceSegment(applied: readonly AppliedEvent[]): SegmentRows {
  const customers = new Map<string, CustomerRow>();
  const cards = new Map<string, CardRow>();
  const cardChanges: CardChangeRow[] = [];
  const attributes = new Map<string, AttributeRow>();
  const attributeChanges: AttributeChangeRow[] = [];
  const subscriptions = new Map<string, SubscriptionRow>();
  const purchases = new Map<string, ReceiptRow>();
  const refunds = new Map<string, ReceiptRow>();

  for (const { event, seq, targetKey } of applied) {
    const at = event.occurredAt ?? event.receivedAt;
    const customer = touchCustomer(customers, event.customer, event.receivedAt);
    if (targetKey !== event.customer.key) touchCustomer(customers, refFromKey(targetKey), event.receivedAt);
    const change = event.change;
    const cardTouch = (snapshot: Partial<CardSnapshot> & { cardNumber: string }, extra: Partial<CardRow> = {}) =>
      mergeCard(cards, event.source, targetKey, snapshot, extra, event.receivedAt);
    const recordCardChange = (cardNumber: string, what: string, details: Record<string, unknown>) =>
      cardChanges.push({ source: event.source, card_number: cardNumber, event_seq: seq, change: what, details, occurred_at: at });

    switch (change.kind) {
      case 'registration': {
        const row = targetKey === event.customer.key ? customer : customers.get(targetKey)!;
        if (change.step === 'started') row.registration_started_at ??= event.receivedAt;
        else row.registration_completed_at ??= event.receivedAt;
        break;
      }
      case 'cardLinked': {
        cardTouch(change.newCard, { link_type: change.linkType, link_source: change.linkSource, relinked: true });
        recordCardChange(change.newCard.cardNumber, 'linked', {
          linkType: change.linkType,
          linkSource: change.linkSource,
          replaces: change.oldCard?.cardNumber ?? null,
          state: change.newCard.state,
        });
        if (change.oldCard) {
          cardTouch(change.oldCard, { replaced_by: change.newCard.cardNumber });
          recordCardChange(change.oldCard.cardNumber, 'replaced', { replacedBy: change.newCard.cardNumber, state: change.oldCard.state });
        }
        break;
      }
      case 'cardStateChanged':
        cardTouch({ ...change.card, state: change.targetState ?? change.card.state });
        recordCardChange(change.card.cardNumber, 'state', { state: change.targetState ?? change.card.state, activationDate: change.card.activationDate });
        break;
      case 'cardBlockChanged':
        cardTouch({ cardNumber: change.cardNumber, cardId: change.cardId, blocked: change.blocked });
        recordCardChange(change.cardNumber, change.blocked ? 'blocked' : 'unblocked', {});
        break;
      case 'cardDeleteChanged':
        cardTouch({ cardNumber: change.cardNumber, cardId: change.cardId, deleted: change.deleted });
        recordCardChange(change.cardNumber, change.deleted ? 'deleted' : 'restored', {});
        break;
      case 'cardCategoryChanged':
        cardTouch({ cardNumber: change.cardNumber, cardId: change.cardId, category: change.category });
        recordCardChange(change.cardNumber, 'category', { category: change.category });
        break;
      case 'attributeChanged': {
        const changedAt = change.changedAt ?? event.receivedAt;
        const lookup = lookupOf(change.code, change.newValue);
        const row: AttributeRow = {
          customer_key: targetKey,
          code: change.code,
          attribute_id: change.attributeId,
          user_attribute_type: change.userAttributeType,
          value: change.newValue,
          changed_at: changedAt,
          event_seq: seq,
          activity_uid: change.activityUid,
          lookup_kind: lookup?.kind ?? null,
          lookup_value: lookup?.value ?? null,
        };
        const key = `${targetKey}\u0000${change.code}`;
        const current = attributes.get(key);
        if (!current || Date.parse(changedAt) >= Date.parse(current.changed_at)) attributes.set(key, row);
        attributeChanges.push({
          event_seq: seq,
          customer_key: targetKey,
          code: change.code,
          old_value: change.oldValue,
          new_value: change.newValue,
          changed_at: changedAt,
          activity_uid: change.activityUid,
          from_batch_operation: change.fromBatchOperation,
        });
        break;
      }
      case 'subscriptionChanged': {
        const key = `${targetKey}\u0000${change.typeCode}`;
        subscriptions.set(key, overlaySubscription(subscriptions.get(key), {
          customer_key: targetKey,
          type_code: change.typeCode,
          type_id: change.typeId,
          type_name: change.typeName,
          mailing_subscription_type: change.mailingSubscriptionType,
          mail: change.channels.mail,
          push: change.channels.push,
          sms: change.channels.sms,
          viber: change.channels.viber,
          chat_bot: change.channels.chatBot,
          social_networks: change.channels.socialNetworks,
          event_seq: seq,
          updated_at: event.receivedAt,
        }));
        break;
      }
      case 'purchaseConfirmed':
        purchases.set(change.receipt.purchaseId, { source: event.source, id: change.receipt.purchaseId, customer_key: targetKey, event_seq: seq, ...receiptColumns(change.receipt) });
        break;
      case 'purchaseRefunded':
        refunds.set(change.receipt.purchaseId, {
          source: event.source,
          id: change.receipt.purchaseId,
          customer_key: targetKey,
          event_seq: seq,
          refunded_purchase_id: change.refundedPurchaseId,
          refunded_external_purchase_id: change.refundedExternalPurchaseId,
          ...receiptColumns(change.receipt),
        });
        break;
      case 'profilesMerged':
        // Applied on their own before the segment (apply-merge.ts); here only the target's identity fields, in order.
        touchCustomer(customers, change.into, event.receivedAt);
        break;
    }
  }

  return {
    customers: [...customers.values()],
    cards: [...cards.values()],
    cardChanges,
    attributes: [...attributes.values()],
    attributeChanges,
    subscriptions: [...subscriptions.values()],
    purchases: [...purchases.values()],
    refunds: [...refunds.values()],
  };
}

function touchCustomer(customers: Map<string, CustomerRow>, ref: CustomerRef, seenAt: string): CustomerRow {
  const row = customers.get(ref.key);
  if (!row) {
    const created = customerRowOf(ref, seenAt);
    customers.set(ref.key, created);
    return created;
  }
  // later events win for each identity field they carry
  row.customer_uid = ref.uid ?? row.customer_uid;
  row.customer_code = ref.code ?? row.customer_code;
  row.account_group_id = ref.accountGroupId ?? row.account_group_id;
  row.identifier_id = ref.identifierId ?? row.identifier_id;
  row.mobile_device_id = ref.mobileDeviceId ?? row.mobile_device_id;
  row.application_id = ref.applicationId ?? row.application_id;
  row.seen_at = seenAt;
  return row;
}

/** A customers row for a profile first seen now. */
export function customerRowOf(ref: CustomerRef, seenAt: string): CustomerRow {
  return {
    customer_key: ref.key,
    source: ref.source,
    external_id: ref.externalId,
    customer_uid: ref.uid,
    customer_code: ref.code,
    account_group_id: ref.accountGroupId,
    identifier_id: ref.identifierId,
    mobile_device_id: ref.mobileDeviceId,
    application_id: ref.applicationId,
    registration_started_at: null,
    registration_completed_at: null,
    seen_at: seenAt,
  };
}

/** A bare reference for a profile known only by its key (a merge target). */
export function refFromKey(key: string): CustomerRef {
  const colon = key.indexOf(':');
  return bareCustomerRef(key.slice(0, colon), key.slice(colon + 1));
}

function mergeCard(
  cards: Map<string, CardRow>,
  source: string,
  customerKey: string,
  snapshot: Partial<CardSnapshot> & { cardNumber: string },
  extra: Partial<CardRow>,
  updatedAt: string,
): void {
  const current = cards.get(snapshot.cardNumber);
  const pick = <T>(next: T | null | undefined, previous: T | null | undefined): T | null => (next ?? previous ?? null) as T | null;
  cards.set(snapshot.cardNumber, {
    card_number: snapshot.cardNumber,
    source,
    customer_key: customerKey,
    card_id: pick(snapshot.cardId, current?.card_id),
    state: pick(snapshot.state, current?.state),
    card_type: pick(snapshot.type, current?.card_type),
    category: pick(snapshot.category, current?.category),
    bar_code: pick(snapshot.barCode, current?.bar_code),
    strip1: pick(snapshot.strip1, current?.strip1),
    strip2: pick(snapshot.strip2, current?.strip2),
    strip3: pick(snapshot.strip3, current?.strip3),
    blocked: pick(snapshot.blocked, current?.blocked),
    deleted: pick(snapshot.deleted, current?.deleted),
    activation_date: pick(snapshot.activationDate, current?.activation_date),
    link_type: pick(extra.link_type, current?.link_type),
    link_source: pick(extra.link_source, current?.link_source),
    replaced_by: extra.relinked ? null : pick(extra.replaced_by, current?.replaced_by),
    relinked: (extra.relinked ?? false) || (current?.relinked ?? false),
    updated_at: updatedAt,
  });
}

const PHONE_CODES = new Set(['phone', 'mobilephone', 'phonenumber', 'mobile']);
const EMAIL_CODES = new Set(['email', 'e-mail', 'mail']);

/** Whether an attribute of this code is a phone or an e-mail (its value may be found by, and link by, that kind). */
export const isLookupCode = (code: string): boolean => PHONE_CODES.has(code.toLowerCase()) || EMAIL_CODES.has(code.toLowerCase());

export function lookupOf(code: string, value: string | null): { kind: 'phone' | 'email'; value: string } | null {
  if (!value) return null;
  const lower = code.toLowerCase();
  if (PHONE_CODES.has(lower)) {
    const digits = normalisePhone(value);
    return digits ? { kind: 'phone', value: digits } : null;
  }
  if (EMAIL_CODES.has(lower)) {
    // a blank address finds no one (all profiles with a blank one would match)
    const address = normaliseEmail(value);
    return address ? { kind: 'email', value: address } : null;
  }
  return null;
}

export const normalisePhone = (value: string): string => value.replace(/\D/g, '');
export const normaliseEmail = (value: string): string => value.trim().toLowerCase();

function receiptColumns(r: import('../events/canonical.ts').Receipt): Record<string, unknown> {
  return {
    external_purchase_id: r.externalPurchaseId,
    cheque_number: r.chequeNumber,
    amount: r.amount,
    occurred_at: r.occurredAt,
    operation_type: r.operationType,
    merchant_id: r.merchantId,
    merchant_uid: r.merchantUid,
    merchant_code: r.merchantCode,
    device_code: r.deviceCode,
    identity: r.identity,
    cashier_identifier: r.cashierIdentifier,
    description: r.description,
    location_id: r.locationId,
    partner_id: r.partnerId,
    brand_id: r.brandId,
    currency_external_id: r.currencyExternalId,
    items: r.items,
    withdraws: r.withdraws,
    rewards: r.rewards,
    purchase_attributes: r.attributes,
  };
}
