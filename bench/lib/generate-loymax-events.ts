// A deterministic stream of realistic Loymax -> RabbitMQ events for benches
// and load tests: the 12 routing keys of the contract
// (shared/seeds/001_361266b48d50de9a.txt), mixed in roughly the proportions a
// retail loyalty programme produces, with bodies in the seed models' shape.
//
// Memory stays bounded: events are yielded one at a time and only a few
// bytes of state are kept per customer (card generations and flags,
// attribute versions) plus a fixed ring of recent purchases to refund.
//
// Deliberate differences from the seed examples, which are inconsistent:
// customerInfo always says `customerUid` and `accountgroupId` (the seed also
// has `customerCode` and the typo `accountfroupId`; the raw seed fixtures in
// test/fixtures/loymax keep those). Where a routing key carries two actions
// (block/unblock, delete/restore, SetCard/ReplaceCard/AttachCard) the seed
// documents one eventCode only, so that code is used for both and the
// documented discriminator (targetBlockState, linkCardType...) tells them apart.
import {
  CARD_CATEGORIES, attributeValueFor, cardIdFor, cardNumberFor, cardSlotsOf, customerInfoFor,
  type LoymaxAttributeCode,
} from './loymax-customer-values.ts';
import {
  externalPurchaseIdFor, pickRefundedLines, purchaseChequeFor, purchaseOperationInfo, refundOperationInfo,
} from './loymax-cheque.ts';
import { createRandom, pickOne, pickWeighted, saltFor, uuidFromUnique } from './seeded-random.ts';

export interface GeneratedEvent {
  routingKey: string;
  body: Record<string, unknown>;
  messageId: string;
}

export interface GenerateLoymaxEventsOptions {
  events: number;
  /** Customers are numbered 1..customers. */
  customers: number;
  seed?: number;
}

export type LoymaxRoutingKey = (typeof EVENT_MIX)[number][0];

// Percent of all events; sums to 100.
const EVENT_MIX = [
  ['customer.registration.begin', 8],
  ['customer.registration.finish', 7],
  ['customer.card.link', 8],
  ['customer.profile.merge', 0.3],
  ['customer.card.changeState', 5],
  ['customer.card.changeBlockState', 4],
  ['customer.card.changeDeleteState', 1],
  ['customer.card.changeCategory', 3],
  ['customer.attribute.update', 15],
  ['customer.subscription.update', 6],
  ['purchases.confirm.modelUpdate', 35],
  ['purchases.refundModelUpdate', 7.7],
] as const;

// Attribute ids: Phone = 3 comes from the seed; the rest are made up. The
// seed only shows userAttributeType "Notifier" (for Phone); the other types
// are plausible guesses.
const ATTRIBUTES: ReadonlyArray<readonly [LoymaxAttributeCode, number, { attributeId: number; userAttributeType: string }]> = [
  ['Phone', 25, { attributeId: 3, userAttributeType: 'Notifier' }],
  ['Email', 20, { attributeId: 4, userAttributeType: 'Notifier' }],
  ['FirstName', 15, { attributeId: 1, userAttributeType: 'Questionnaire' }],
  ['LastName', 15, { attributeId: 2, userAttributeType: 'Questionnaire' }],
  ['BirthDate', 10, { attributeId: 5, userAttributeType: 'Questionnaire' }],
  ['PublicOfferAccepted', 15, { attributeId: 6, userAttributeType: 'System' }],
];

const ATTRIBUTE_ROWS = ATTRIBUTES.map(([, weight], row) => [row, weight] as const);

// The first row is the seed's; the others are plausible guesses.
const SUBSCRIPTION_TYPES = [
  { mailingSubscriptionType: 'Cashback', subscriptionTypeId: 1, subscriptionTypeCode: 'DiscountOperation', subscriptionTypeName: 'Discount accrual notifications' },
  { mailingSubscriptionType: 'Advertising', subscriptionTypeId: 2, subscriptionTypeCode: 'Promo', subscriptionTypeName: 'Promotions and special offers' },
  { mailingSubscriptionType: 'Service', subscriptionTypeId: 3, subscriptionTypeCode: 'BalanceOperation', subscriptionTypeName: 'Balance and purchase notifications' },
] as const;

const LINK_TYPES = [['SetCard', 80], ['ReplaceCard', 12], ['AttachCard', 8]] as const;
// "UserPortal" is the seed's; the other sources are guesses.
const LINK_SOURCES = [['UserPortal', 40], ['MobileApplication', 35], ['CallCenter', 10], ['Pos', 15]] as const;

const MESSAGE_ID_SALT = 0x3e55;
const ACTIVITY_UID_SALT = 0xac71;
const BLOCK_EXTERNAL_ID_SALT = 0xb10c;
const RECENT_PURCHASES = 4096;
const REFUND_PROBES = 16;
const CLOCK_START = Date.UTC(2024, 2, 1, 8, 0, 0);
// Card flag bits, one byte per card slot.
const BLOCKED = 1;
const DELETED = 2;
const CATEGORY_SHIFT = 2;

function validate(opts: GenerateLoymaxEventsOptions): void {
  if (!Number.isInteger(opts.events) || opts.events < 0) throw new RangeError('events must be a non-negative integer');
  // cardIdFor must stay below 2^32 for card numbers to be unique.
  if (!Number.isInteger(opts.customers) || opts.customers < 1 || opts.customers > 10_000_000) {
    throw new RangeError('customers must be an integer in 1..10,000,000');
  }
}

/** Loymax writes UTC seconds without milliseconds: 2021-06-15T09:17:07Z. */
function loymaxDateTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function* generateLoymaxEvents(opts: GenerateLoymaxEventsOptions): Generator<GeneratedEvent> {
  validate(opts);
  const { events, customers } = opts;
  const seed = opts.seed ?? 1;
  const random = createRandom(seed);
  const messageSalt = saltFor(MESSAGE_ID_SALT, seed);
  const activitySalt = saltFor(ACTIVITY_UID_SALT, seed);
  const blockSalt = saltFor(BLOCK_EXTERNAL_ID_SALT, seed);

  // Per-customer state, indexed by customerId (slot 0 unused) or 2*id+slot.
  const cardGeneration = new Uint8Array((customers + 1) * 2);
  const cardFlags = new Uint8Array((customers + 1) * 2);
  const attributeVersions = new Uint16Array((customers + 1) * ATTRIBUTES.length);
  // Ring of recent purchases; 0 marks an empty or already refunded entry.
  const recentPurchaseIds = new Int32Array(RECENT_PURCHASES);
  const recentPurchaseCustomers = new Int32Array(RECENT_PURCHASES);
  let recentPurchaseCursor = 0;

  let clock = CLOCK_START;
  let registrationsBegun = 0;
  let registrationsFinished = 0;
  let nextPurchaseId = 1000;
  let activityCount = 0;
  let blockCount = 0;

  const anyCustomer = (): number => 1 + Math.floor(random() * customers);
  const anySlot = (customerId: number): number => (cardSlotsOf(customerId) === 2 && random() < 0.5 ? 1 : 0);
  const cardIndex = (customerId: number, slot: number): number => customerId * 2 + slot;

  function cardRef(customerId: number, slot: number) {
    const cardId = cardIdFor(customerId, slot, cardGeneration[cardIndex(customerId, slot)]!);
    return { cardId, cardNumber: cardNumberFor(cardId) };
  }

  function fullCard(customerId: number, slot: number, cardState: string, activationDate: string | null) {
    const { cardId, cardNumber } = cardRef(customerId, slot);
    const flags = cardFlags[cardIndex(customerId, slot)]!;
    return {
      cardId, cardNumber, cardState, activationDate, cardType: 'General',
      cardCategory: CARD_CATEGORIES[flags >> CATEGORY_SHIFT]!,
      barCode: cardNumber, strip1: cardNumber, strip2: `${cardNumber}=${cardNumber}`, strip3: `strip=${cardNumber}`,
      isBlocked: (flags & BLOCKED) !== 0, isDeleted: (flags & DELETED) !== 0,
    };
  }

  // Registrations walk through the customers in order, and a finish always
  // follows its own begin; once everyone has begun, the walk starts over.
  function registration(phase: 'begin' | 'finish'): Record<string, unknown> {
    if (phase === 'finish' && registrationsFinished < registrationsBegun) {
      const customerId = (registrationsFinished++ % customers) + 1;
      return { eventCode: 'OnEndRegistration', customerInfo: customerInfoFor(customerId) };
    }
    const customerId = (registrationsBegun++ % customers) + 1;
    return { eventCode: 'OnBeginRegistration', customerInfo: customerInfoFor(customerId) };
  }

  function cardLink(): Record<string, unknown> {
    const customerId = anyCustomer();
    const linkCardType = pickWeighted(LINK_TYPES, random);
    const slot = linkCardType === 'AttachCard' ? cardSlotsOf(customerId) - 1 : anySlot(customerId);
    let oldCard = null;
    if (linkCardType === 'ReplaceCard') {
      // The seed shows the replaced card as blocked and deleted.
      oldCard = { ...fullCard(customerId, slot, 'Replaced', null), isBlocked: true, isDeleted: true };
      const index = cardIndex(customerId, slot);
      cardGeneration[index] = (cardGeneration[index]! + 1) & 63;
      cardFlags[index] = cardFlags[index]! & ~(BLOCKED | DELETED); // a new card keeps only the category
    }
    return {
      newCard: fullCard(customerId, slot, 'Activated', null), oldCard,
      linkSource: pickWeighted(LINK_SOURCES, random), linkCardType,
      customerInfo: customerInfoFor(customerId), eventCode: 'OnCardReplace',
    };
  }

  function profileMerge(): Record<string, unknown> {
    const from = anyCustomer();
    let to = anyCustomer();
    if (to === from) to = (from % customers) + 1;
    return { fromCustomerInfo: customerInfoFor(from), toCustomerInfo: customerInfoFor(to), eventCode: 'MergeCustomersProfiles' };
  }

  function cardActivation(): Record<string, unknown> {
    const customerId = anyCustomer();
    return {
      cardInfo: fullCard(customerId, anySlot(customerId), 'Activated', loymaxDateTime(clock)),
      targetState: 'Activated', customerInfo: customerInfoFor(customerId), eventCode: 'OnCardActivation',
    };
  }

  /** Flips a card flag: a blocked card gets unblocked, an unblocked one blocked. */
  function toggleCardFlag(customerId: number, slot: number, flag: number): boolean {
    const index = cardIndex(customerId, slot);
    cardFlags[index] = cardFlags[index]! ^ flag;
    return (cardFlags[index]! & flag) !== 0;
  }

  function cardBlockChange(): Record<string, unknown> {
    const customerId = anyCustomer();
    const slot = anySlot(customerId);
    return {
      targetBlockState: toggleCardFlag(customerId, slot, BLOCKED), cardInfo: cardRef(customerId, slot),
      customerInfo: customerInfoFor(customerId), eventCode: 'OnBlockCard',
      externalId: uuidFromUnique(blockCount++, blockSalt).replaceAll('-', ''),
      tryCount: 0, delaySecond: null, toErrorQueue: false,
    };
  }

  function cardDeleteChange(): Record<string, unknown> {
    const customerId = anyCustomer();
    const slot = anySlot(customerId);
    return {
      targetDeleteState: toggleCardFlag(customerId, slot, DELETED), ...cardRef(customerId, slot),
      customerInfo: customerInfoFor(customerId), eventCode: 'OnDeleteCard',
    };
  }

  // Mostly upgrades (a status earned by spending); top-tier cards step down.
  function cardCategoryChange(): Record<string, unknown> {
    const customerId = anyCustomer();
    const slot = anySlot(customerId);
    const index = cardIndex(customerId, slot);
    const current = cardFlags[index]! >> CATEGORY_SHIFT;
    const top = CARD_CATEGORIES.length - 1;
    const next = current === top || (current > 0 && random() < 0.2) ? current - 1 : current + 1;
    cardFlags[index] = (cardFlags[index]! & (BLOCKED | DELETED)) | (next << CATEGORY_SHIFT);
    return {
      ...cardRef(customerId, slot), newcardCategory: CARD_CATEGORIES[next]!,
      customerInfo: customerInfoFor(customerId), eventCode: 'OnChangeCategoryCard',
    };
  }

  function attributeUpdate(): Record<string, unknown> {
    const customerId = anyCustomer();
    const row = pickWeighted(ATTRIBUTE_ROWS, random);
    const [attributeCode, , { attributeId, userAttributeType }] = ATTRIBUTES[row]!;
    const versionIndex = customerId * ATTRIBUTES.length + row;
    const version = attributeVersions[versionIndex]!;
    // Saturates at 65535 changes, far beyond any real customer.
    if (version < 0xffff) attributeVersions[versionIndex] = version + 1;
    return {
      fromBatchOperation: random() < 0.03, attributeCode, userAttributeType, attributeId,
      oldValue: version === 0 ? null : attributeValueFor(attributeCode, customerId, version - 1),
      newValue: attributeValueFor(attributeCode, customerId, version),
      changeDateTime: loymaxDateTime(clock), activityUid: uuidFromUnique(activityCount++, activitySalt),
      eventCode: 'OnCustomerAttributeUpdate', customerInfo: customerInfoFor(customerId),
    };
  }

  function subscriptionUpdate(): Record<string, unknown> {
    const channel = () => (random() < 0.75 ? 'Enabled' : 'Disabled');
    return {
      ...pickOne(SUBSCRIPTION_TYPES, random),
      subscriptionInfo: { mail: channel(), push: channel(), sms: channel(), viber: channel(), chatBot: channel(), socialNetworks: channel() },
      eventCode: 'OnCustomerSubscriptionChange', customerInfo: customerInfoFor(anyCustomer()),
    };
  }

  /** The card a customer shows at the till: their first card. */
  const tillIdentity = (customerId: number): string => cardRef(customerId, 0).cardNumber;

  function purchase(): Record<string, unknown> {
    const customerId = anyCustomer();
    const cheque = purchaseChequeFor(nextPurchaseId++, seed);
    recentPurchaseIds[recentPurchaseCursor] = cheque.purchaseId;
    recentPurchaseCustomers[recentPurchaseCursor] = customerId;
    recentPurchaseCursor = (recentPurchaseCursor + 1) % RECENT_PURCHASES;
    return {
      purchaseOperationInfo: purchaseOperationInfo(cheque, tillIdentity(customerId), loymaxDateTime(clock)),
      customerInfo: customerInfoFor(customerId), eventCode: 'OnPurchaseConfirm',
    };
  }

  /** A random ring slot still holding an unrefunded purchase, or -1. */
  function refundableRingIndex(): number {
    // About a fifth of the slots are empty at steady state; retrying keeps
    // the refund share on target instead of turning misses into purchases.
    // Probes are independent: scanning forward from one random slot would
    // always empty the slot after an empty run and grow those runs.
    for (let probe = 0; probe < REFUND_PROBES; probe++) {
      const ringIndex = Math.floor(random() * RECENT_PURCHASES);
      if (recentPurchaseIds[ringIndex] !== 0) return ringIndex;
    }
    return -1;
  }

  // Refunds a recent purchase of the same customer, at most once. With no
  // refundable purchase at hand (the start of a run) it emits a purchase.
  function refund(): [LoymaxRoutingKey, Record<string, unknown>] {
    const ringIndex = refundableRingIndex();
    if (ringIndex < 0) return ['purchases.confirm.modelUpdate', purchase()];
    const refundedId = recentPurchaseIds[ringIndex]!;
    recentPurchaseIds[ringIndex] = 0;
    const customerId = recentPurchaseCustomers[ringIndex]!;
    const cheque = purchaseChequeFor(refundedId, seed);
    const refundPurchaseId = nextPurchaseId++;
    const refundIds = { purchaseId: refundPurchaseId, externalPurchaseId: externalPurchaseIdFor(refundPurchaseId, seed) };
    const picked = pickRefundedLines(cheque, random);
    return ['purchases.refundModelUpdate', {
      refundedPurchaseViewModel: { refundedPurchaseId: cheque.purchaseId, refundedPurchaseExternalId: cheque.externalPurchaseId },
      refundOperationInfo: refundOperationInfo(cheque, refundIds, picked, tillIdentity(customerId), loymaxDateTime(clock)),
      customerInfo: customerInfoFor(customerId), eventCode: 'OnPurchaseRefund',
    }];
  }

  function bodyFor(routingKey: LoymaxRoutingKey): [LoymaxRoutingKey, Record<string, unknown>] {
    switch (routingKey) {
      case 'customer.registration.begin': return [routingKey, registration('begin')];
      case 'customer.registration.finish': {
        const body = registration('finish');
        return [body['eventCode'] === 'OnEndRegistration' ? routingKey : 'customer.registration.begin', body];
      }
      case 'customer.card.link': return [routingKey, cardLink()];
      case 'customer.profile.merge':
        return customers < 2 ? ['purchases.confirm.modelUpdate', purchase()] : [routingKey, profileMerge()];
      case 'customer.card.changeState': return [routingKey, cardActivation()];
      case 'customer.card.changeBlockState': return [routingKey, cardBlockChange()];
      case 'customer.card.changeDeleteState': return [routingKey, cardDeleteChange()];
      case 'customer.card.changeCategory': return [routingKey, cardCategoryChange()];
      case 'customer.attribute.update': return [routingKey, attributeUpdate()];
      case 'customer.subscription.update': return [routingKey, subscriptionUpdate()];
      case 'purchases.confirm.modelUpdate': return [routingKey, purchase()];
      case 'purchases.refundModelUpdate': return refund();
    }
  }

  for (let index = 0; index < events; index++) {
    // Whole seconds, 5 to 59 apart: every dateTime in the stream increases.
    clock += (5 + Math.floor(random() * 55)) * 1000;
    const [routingKey, body] = bodyFor(pickWeighted(EVENT_MIX, random));
    yield { routingKey, body, messageId: uuidFromUnique(index, messageSalt) };
  }
}
