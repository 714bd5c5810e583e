import type { Queryable } from '../store/db.ts';
import type { CardSnapshot } from '../events/canonical.ts';
import { readBonusSection, type BonusAccountView } from '../bonus/read-bonus-account.ts';
import { readImportedBonusBalances, type ImportedBonusBalanceView } from '../catalog/read-imported-balances.ts';
import { readPromoCodesOfCustomer, type PromoCodeView } from '../catalog/read-promo-codes.ts';
import { isoOrNull, lastEventAtOf } from '../events/event-log.ts';
import { readProfileDetails, type ProfileDetails } from './read-profile-details.ts';
import { readPurchases, type PurchaseView } from './read-purchases.ts';
import type { ResolvedCustomer } from './resolve-customer.ts';

/** Reads one whole profile from the projection tables (the read side: no writes here). */

/** A card as stored: its last known snapshot plus how it was linked and what happened to it. */
export interface CardView extends CardSnapshot {
  linkType: string | null;
  linkSource: string | null;
  replacedBy: string | null;
  updatedAt: string | null;
  history: Array<{ eventSeq: number; change: string; details: unknown; occurredAt: string | null }>;
}

export interface AttributeView {
  value: string | null;
  attributeId: string | null;
  userAttributeType: string | null;
  changedAt: string | null;
  activityUid: string | null;
  history: Array<{ oldValue: string | null; newValue: string | null; changedAt: string | null; activityUid: string | null; fromBatchOperation: boolean | null }>;
}

export interface SubscriptionView {
  typeCode: string;
  typeId: string | null;
  typeName: string | null;
  mailingSubscriptionType: string | null;
  channels: { mail: string | null; push: string | null; sms: string | null; viber: string | null; chatBot: string | null; socialNetworks: string | null };
  updatedAt: string | null;
}

export interface ProfileView extends ProfileDetails {
  id: string;
  resolvedFrom: string | null;
  source: string;
  customerId: string;
  customerUid: string | null;
  customerCode: string | null;
  accountGroupId: string | null;
  identifierId: string | null;
  mobileDeviceId: string | null;
  applicationId: string | null;
  registration: { status: 'unknown' | 'started' | 'completed'; startedAt: string | null; completedAt: string | null };
  cards: CardView[];
  attributes: Record<string, AttributeView>;
  subscriptions: SubscriptionView[];
  purchases: PurchaseView[];
  purchaseTotals: { count: number; amount: number; refundedAmount: number };
  mergedFrom: string[];
  /** Bonus status and balance; set on profiles of source `bonus`. */
  bonus: BonusAccountView | null;
  /** Bonus balances SQL sources keep for the customer (one per source, the newest). */
  importedBonusBalances: ImportedBonusBalanceView[];
  /** Promo codes SQL sources issued to the customer (or to a profile merged into it). */
  promoCodes: PromoCodeView[];
  firstSeenAt: string | null;
  lastEventAt: string | null;
}

const RECENT_PURCHASES = 20;

export async function readProfile(db: Queryable, workspaceId: string, customer: ResolvedCustomer): Promise<ProfileView | null> {
  const c = (
    await db.query<Record<string, unknown>>('SELECT * FROM customers WHERE workspace_id = $1 AND customer_key = $2', [workspaceId, customer.key])
  ).rows[0];
  if (!c) return null;
  const [cards, attributes, subscriptions, purchases, totals, importedBonusBalances, promoCodes] = await Promise.all([
    readCards(db, workspaceId, customer.key),
    readAttributes(db, workspaceId, customer.key),
    readSubscriptions(db, workspaceId, customer.key),
    readPurchases(db, workspaceId, customer.key, { limit: RECENT_PURCHASES }),
    readPurchaseTotals(db, workspaceId, customer.key),
    readImportedBonusBalances(db, workspaceId, customer.key),
    readPromoCodesOfCustomer(db, workspaceId, customer.key),
  ]);
  const startedAt = isoOrNull(c.registration_started_at);
  const completedAt = isoOrNull(c.registration_completed_at);
  return {
    id: customer.key,
    resolvedFrom: customer.resolvedFrom,
    source: String(c.source),
    customerId: String(c.external_id),
    customerUid: (c.customer_uid as string | null) ?? null,
    customerCode: (c.customer_code as string | null) ?? null,
    accountGroupId: (c.account_group_id as string | null) ?? null,
    identifierId: (c.identifier_id as string | null) ?? null,
    mobileDeviceId: (c.mobile_device_id as string | null) ?? null,
    applicationId: (c.application_id as string | null) ?? null,
    registration: { status: completedAt ? 'completed' : startedAt ? 'started' : 'unknown', startedAt, completedAt },
    cards,
    attributes,
    subscriptions,
    purchases,
    purchaseTotals: totals,
    mergedFrom: customer.memberKeys.filter((k) => k !== customer.key),
    ...(await readProfileDetails(db, workspaceId, customer.key)),
    bonus: await readBonusSection(db, workspaceId, customer.key),
    importedBonusBalances,
    promoCodes,
    firstSeenAt: isoOrNull(c.first_seen_at),
    lastEventAt: await lastEventAtOf(db, workspaceId, customer.memberKeys),
  };
}

async function readCards(db: Queryable, workspaceId: string, key: string): Promise<CardView[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT c.*, COALESCE((SELECT json_agg(json_build_object('eventSeq', h.event_seq, 'change', h.change, 'details', h.details,
                                                             'occurredAt', h.occurred_at) ORDER BY h.event_seq)
                             FROM card_changes h
                            WHERE h.workspace_id = c.workspace_id AND h.source = c.source AND h.card_number = c.card_number), '[]') AS history
       FROM cards c WHERE c.workspace_id = $1 AND c.customer_key = $2 ORDER BY c.card_number`,
    [workspaceId, key],
  );
  return result.rows.map((r) => ({
    cardId: (r.card_id as string | null) ?? null,
    cardNumber: String(r.card_number),
    state: (r.state as string | null) ?? null,
    type: (r.card_type as string | null) ?? null,
    category: (r.category as string | null) ?? null,
    barCode: (r.bar_code as string | null) ?? null,
    strip1: (r.strip1 as string | null) ?? null,
    strip2: (r.strip2 as string | null) ?? null,
    strip3: (r.strip3 as string | null) ?? null,
    blocked: (r.blocked as boolean | null) ?? null,
    deleted: (r.deleted as boolean | null) ?? null,
    activationDate: isoOrNull(r.activation_date),
    linkType: (r.link_type as string | null) ?? null,
    linkSource: (r.link_source as string | null) ?? null,
    replacedBy: (r.replaced_by as string | null) ?? null,
    updatedAt: isoOrNull(r.updated_at),
    history: (parseJson(r.history) as Array<{ eventSeq: number; change: string; details: unknown; occurredAt: string | null }>).map((h) => ({
      ...h,
      eventSeq: Number(h.eventSeq),
      occurredAt: isoOrNull(h.occurredAt),
    })),
  }));
}

async function readAttributes(db: Queryable, workspaceId: string, key: string): Promise<Record<string, AttributeView>> {
  const [current, changes] = await Promise.all([
    db.query<Record<string, unknown>>('SELECT * FROM attributes WHERE workspace_id = $1 AND customer_key = $2 ORDER BY code', [workspaceId, key]),
    db.query<Record<string, unknown>>(
      'SELECT * FROM attribute_changes WHERE workspace_id = $1 AND customer_key = $2 ORDER BY changed_at, event_seq',
      [workspaceId, key],
    ),
  ]);
  const view: Record<string, AttributeView> = {};
  for (const r of current.rows) {
    view[String(r.code)] = {
      value: (r.value as string | null) ?? null,
      attributeId: (r.attribute_id as string | null) ?? null,
      userAttributeType: (r.user_attribute_type as string | null) ?? null,
      changedAt: isoOrNull(r.changed_at),
      activityUid: (r.activity_uid as string | null) ?? null,
      history: [],
    };
  }
  for (const r of changes.rows) {
    view[String(r.code)]?.history.push({
      oldValue: (r.old_value as string | null) ?? null,
      newValue: (r.new_value as string | null) ?? null,
      changedAt: isoOrNull(r.changed_at),
      activityUid: (r.activity_uid as string | null) ?? null,
      fromBatchOperation: (r.from_batch_operation as boolean | null) ?? null,
    });
  }
  return view;
}

async function readSubscriptions(db: Queryable, workspaceId: string, key: string): Promise<SubscriptionView[]> {
  const result = await db.query<Record<string, unknown>>(
    'SELECT * FROM subscriptions WHERE workspace_id = $1 AND customer_key = $2 ORDER BY type_code',
    [workspaceId, key],
  );
  return result.rows.map((r) => ({
    typeCode: String(r.type_code),
    typeId: (r.type_id as string | null) ?? null,
    typeName: (r.type_name as string | null) ?? null,
    mailingSubscriptionType: (r.mailing_subscription_type as string | null) ?? null,
    channels: {
      mail: (r.mail as string | null) ?? null,
      push: (r.push as string | null) ?? null,
      sms: (r.sms as string | null) ?? null,
      viber: (r.viber as string | null) ?? null,
      chatBot: (r.chat_bot as string | null) ?? null,
      socialNetworks: (r.social_networks as string | null) ?? null,
    },
    updatedAt: isoOrNull(r.updated_at),
  }));
}

async function readPurchaseTotals(db: Queryable, workspaceId: string, key: string): Promise<ProfileView['purchaseTotals']> {
  const result = await db.query<{ count: number; amount: string | null; refunded: string | null }>(
    `SELECT (SELECT count(*)::int FROM purchases WHERE workspace_id = $1 AND customer_key = $2) AS count,
            (SELECT sum(amount)::text FROM purchases WHERE workspace_id = $1 AND customer_key = $2) AS amount,
            (SELECT sum(amount)::text FROM refunds WHERE workspace_id = $1 AND customer_key = $2) AS refunded`,
    [workspaceId, key],
  );
  const row = result.rows[0];
  return { count: Number(row?.count ?? 0), amount: Number(row?.amount ?? 0), refundedAmount: Number(row?.refunded ?? 0) };
}

export function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}
