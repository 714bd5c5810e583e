/**
 * Canonical events: what every source adapter translates its input into, and
 * the only thing the apply pipeline accepts. A change says what happened to a
 * profile in source-neutral terms; the original payload travels alongside for
 * the event log.
 */

export interface CustomerRef {
  /** `${source}:${externalId}`: the profile key inside a workspace. */
  key: string;
  source: string;
  externalId: string;
  uid: string | null;
  code: string | null;
  accountGroupId: string | null;
  identifierId: string | null;
  mobileDeviceId: string | null;
  applicationId: string | null;
}

export interface CardSnapshot {
  cardId: string | null;
  cardNumber: string;
  state: string | null;
  type: string | null;
  category: string | null;
  barCode: string | null;
  strip1: string | null;
  strip2: string | null;
  strip3: string | null;
  blocked: boolean | null;
  deleted: boolean | null;
  activationDate: string | null;
}

export interface ChequeItem {
  positionId: number | string | null;
  itemId: string | null;
  description: string | null;
  quantity: number | null;
  unit: string | null;
  amount: number | null;
}

export interface MoneyMovement {
  type: string | null;
  amount: number | null;
  moneyAmount: number | null;
  description: string | null;
  offerExternalId: string | null;
  currencyExternalId: string | null;
  positionInfo: Record<string, number>;
}

export interface Receipt {
  purchaseId: string;
  externalPurchaseId: string | null;
  chequeNumber: string | null;
  amount: number | null;
  occurredAt: string | null;
  operationType: string | null;
  merchantId: string | null;
  merchantUid: string | null;
  merchantCode: string | null;
  deviceCode: string | null;
  identity: string | null;
  cashierIdentifier: string | null;
  description: string | null;
  locationId: string | null;
  partnerId: string | null;
  brandId: string | null;
  currencyExternalId: string | null;
  items: ChequeItem[];
  withdraws: MoneyMovement[];
  rewards: MoneyMovement[];
  attributes: unknown[];
}

export type ProfileChange =
  | { kind: 'registration'; step: 'started' | 'completed' }
  | { kind: 'cardLinked'; linkType: string | null; linkSource: string | null; newCard: CardSnapshot; oldCard: CardSnapshot | null }
  | { kind: 'cardStateChanged'; card: CardSnapshot; targetState: string | null }
  | { kind: 'cardBlockChanged'; cardId: string | null; cardNumber: string; blocked: boolean }
  | { kind: 'cardDeleteChanged'; cardId: string | null; cardNumber: string; deleted: boolean }
  | { kind: 'cardCategoryChanged'; cardId: string | null; cardNumber: string; category: string | null }
  | {
      kind: 'attributeChanged';
      code: string;
      attributeId: string | null;
      userAttributeType: string | null;
      oldValue: string | null;
      newValue: string | null;
      changedAt: string | null;
      activityUid: string | null;
      fromBatchOperation: boolean | null;
    }
  | {
      kind: 'subscriptionChanged';
      typeCode: string;
      typeId: string | null;
      typeName: string | null;
      mailingSubscriptionType: string | null;
      channels: SubscriptionChannels;
    }
  | { kind: 'purchaseConfirmed'; receipt: Receipt }
  | { kind: 'purchaseRefunded'; receipt: Receipt; refundedPurchaseId: string | null; refundedExternalPurchaseId: string | null }
  | { kind: 'profilesMerged'; into: CustomerRef }
  // Sources with free-form profiles (Capillary): fields, identifiers, groups.
  | { kind: 'profileDetailsChanged'; fields: ProfileField[]; fieldChanges: ProfileFieldChange[]; identifiers: CustomerIdentifier[] }
  | { kind: 'channelSubscriptionsChanged'; subscriptions: ChannelSubscription[]; identifiers: CustomerIdentifier[] }
  | { kind: 'groupChanged'; action: 'created' | 'updated' | 'memberAdded' | 'memberRemoved'; group: GroupRef; members: GroupMember[] }
  | {
      kind: 'groupPointsContributed';
      group: GroupRef;
      members: GroupMember[];
      points: number;
      loyaltyProgramId: string | null;
      loyaltyProgram: unknown;
      activity: unknown;
    }
  /** The source deleted the customer's personal data: erase it everywhere, keep a tombstone. */
  | { kind: 'personalDataErased'; reason: string | null }
  /** An operator said two linked profiles are not the same person. */
  | { kind: 'identityLinkUndone'; otherKey: string }
  | RecordChange;

/**
 * Changes to records that belong to no profile: catalogue entries, receipt
 * lines, promo codes not issued to anyone. Their event's customer is the
 * source itself (sqlSourceSubject), never a profile: apply projects them
 * onto their own tables (apply/project-records.ts) and makes no profile of
 * them. Every member's kind is listed in RECORD_CHANGE_KINDS.
 */
export type RecordChange = never;

export const RECORD_CHANGE_KINDS: ReadonlySet<string> = new Set<RecordChange['kind']>([]);

export function isRecordChange(change: ProfileChange): change is RecordChange {
  return RECORD_CHANGE_KINDS.has(change.kind);
}

/**
 * An identifier a profile can be found (and linked) by. kind is one of
 * IDENTIFIER_KINDS (events/identifier-kinds.ts) or the source's own name for
 * it; channel says where it lives (instore, wechat, facebook ...). A single
 * identifier is the profile's one value of that kind on that channel: a
 * newer one replaces it.
 */
export interface CustomerIdentifier {
  channel: string;
  kind: string;
  value: string;
  single: boolean;
}

export type ProfileFieldType = 'standard' | 'custom' | 'extended';
export interface ProfileField {
  type: ProfileFieldType;
  name: string;
  value: string | null;
}
export interface ProfileFieldChange {
  type: ProfileFieldType;
  name: string;
  previousValue: string | null;
  currentValue: string | null;
}

export interface ChannelSubscription {
  channel: string;
  sourceAccountId: string | null;
  /** Transactional or promotional (the source's priority name). */
  priority: string | null;
  status: string | null;
  previousStatus: string | null;
  sourceName: string | null;
  ouId: string | null;
  ouCode: string | null;
}

export interface GroupRef {
  groupId: string;
  name: string | null;
}

export interface GroupMember {
  customer: CustomerRef;
  role: string | null;
  /** What the event says about this member. */
  position: 'primary' | 'added' | 'removed' | 'contributor';
  identifiers: CustomerIdentifier[];
}

export const SUBSCRIPTION_CHANNELS = ['mail', 'push', 'sms', 'viber', 'chatBot', 'socialNetworks'] as const;
export type SubscriptionChannel = (typeof SUBSCRIPTION_CHANNELS)[number];
export type SubscriptionChannels = Record<SubscriptionChannel, string | null>;

/**
 * How the event's identity was established, which decides how a repeat is
 * told from a legitimate second occurrence (README, "exactly once").
 * - natural: the model carries its own id (purchase id, activity uid);
 * - message: the producer set an AMQP message-id;
 * - none: neither; a redelivered copy is recognised by its stream.
 */
export type IdentityBasis = 'natural' | 'message' | 'none';

export interface CanonicalEvent {
  eventId: string;
  identityBasis: IdentityBasis;
  /** The broker said it delivered this message before (AMQP redelivered flag). */
  redelivered: boolean;
  source: string;
  routingKey: string | null;
  eventCode: string;
  /** The customer the event is addressed to (for a merge: the profile merged away). */
  customer: CustomerRef;
  /** Events of one stream change the same piece of state, in order. */
  streamKey: string;
  bodyHash: string;
  messageId: string | null;
  occurredAt: string | null;
  receivedAt: string;
  payload: unknown;
  change: ProfileChange;
}
