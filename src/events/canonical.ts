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

/** A receipt line as a source keeps it apart from its receipt (SQL receipt_lines). */
export interface ReceiptLine {
  /** `<source name>:<local_id>`: line ids are local to one source database. */
  lineId: string;
  lineNo: number | null;
  productId: string | null;
  productName: string | null;
  quantity: number | null;
  price: number | null;
  amount: number | null;
  discount: number | null;
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
  /** Something the customer did that the retailer recorded (SQL events: a visit, a review, an app install); the event log is its history. */
  | { kind: 'customerEventRecorded'; eventType: string; attributes: Record<string, string> }
  /** A bonus balance a source keeps for the customer (SQL bonus_balances); an older balance never replaces a newer one. */
  | { kind: 'importedBonusBalance'; sourceName: string; balance: number; pending: number | null; asOf: string | null }
  /** A promo code a source issued to the customer (SQL promo_codes with a customer_id). */
  | { kind: 'customerPromoCodeChanged'; promoCode: PromoCode }
  | RecordChange;

/**
 * Changes to records that belong to no profile: catalogue entries, receipt
 * lines, promo codes not issued to anyone. Their event's customer is the
 * source itself (sqlSourceSubject), never a profile: apply projects them
 * onto their own tables (apply/project-records.ts) and makes no profile of
 * them. Every member's kind is listed in RECORD_CHANGE_KINDS.
 */
export type RecordChange =
  /** A receipt line imported on its own (SQL receipt_lines); it may arrive before or after its receipt. */
  | { kind: 'receiptLineImported'; purchaseId: string; line: ReceiptLine }
  /** Catalogue entries of a source (SQL products, product_categories). */
  | { kind: 'catalogProductChanged'; product: CatalogProduct }
  | { kind: 'catalogCategoryChanged'; category: CatalogCategory }
  /** A promo code issued to no one (yet); an issued one is the customer's customerPromoCodeChanged. */
  | { kind: 'promoCodeChanged'; promoCode: PromoCode };

export const RECORD_CHANGE_KINDS: ReadonlySet<string> = new Set<RecordChange['kind']>([
  'receiptLineImported',
  'catalogProductChanged',
  'catalogCategoryChanged',
  'promoCodeChanged',
]);

/** A product of a source's nomenclature; ids are local to the source. A row is the whole record. */
export interface CatalogProduct {
  sourceName: string;
  localId: string;
  name: string | null;
  categoryId: string | null;
  price: number | null;
  oldPrice: number | null;
  vendor: string | null;
  barcode: string | null;
  url: string | null;
  picture: string | null;
  available: boolean | null;
  description: string | null;
}

/** A category of a source's classifier (a tree by parentId). */
export interface CatalogCategory {
  sourceName: string;
  localId: string;
  name: string | null;
  parentId: string | null;
}

/** A promo code as its source has it; codes are unique within their source. */
export interface PromoCode {
  sourceName: string;
  code: string;
  /** The campaign or offer it belongs to. */
  promoId: string | null;
  /** Free text, as the source spells it. */
  status: string | null;
  discount: number | null;
  issuedAt: string | null;
  usedAt: string | null;
  expiresAt: string | null;
}

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
  /** '' when cleared. */
  value: string;
  single: boolean;
  /**
   * A single identifier the source says the customer no longer has (a
   * customers row whose e-mail became empty): its slot keeps an empty value,
   * newer than what it replaces, so lookups stop finding the old one and an
   * older event arriving late cannot bring it back.
   */
  cleared?: boolean;
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
  /** The member is also the group's primary member (added, removed or contributing, and named as primary too). */
  alsoPrimary?: boolean;
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
  /**
   * A hash of the body: with the stream, what tells a redelivered copy of an
   * event without identity from a new one. Null for an event with an identity
   * of its own, which never needs it.
   */
  bodyHash: string | null;
  messageId: string | null;
  occurredAt: string | null;
  receivedAt: string;
  payload: unknown;
  /** The payload as the JSON text it arrived in, when the source kept it: stored as sent, and not serialised again. */
  payloadJson?: string;
  change: ProfileChange;
}

/** The event without its payload (text and value): for copies kept outside the log, which holds the payload once. */
export function withoutPayload<E extends CanonicalEvent>(event: E): E {
  const { payloadJson: _text, ...rest } = event;
  return { ...rest, payload: null } as E;
}
