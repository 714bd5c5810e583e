import type { CanonicalEvent, CardSnapshot, CustomerRef, MoneyMovement, ProfileChange, Receipt } from '../../events/canonical.ts';
import { deriveEventId, hashBody } from '../../events/identity.ts';
import type { LoymaxMessage } from './parse.ts';
import type { Card, CustomerInfo, LoymaxMovement, LoymaxOperationInfo } from './schemas.ts';
import { loymaxTime } from './loymax-time.ts';

export const LOYMAX_SOURCE = 'loymax';

export interface LoymaxDelivery {
  workspaceId: string;
  messageId: string | null;
  redelivered: boolean;
  receivedAt: string;
}

// Loymax's own retry bookkeeping (seen on the block model): a producer retry
// of the same command changes only these, so they are not part of the body's
// identity.
const RETRY_FIELDS = new Set(['tryCount', 'delaySecond', 'toErrorQueue']);

// A replacer function would put every stringify on V8's slow path; the retry
// fields only ever sit at the top level of the model.
function withoutRetryFields(model: object): object {
  if (!Object.keys(model).some((k) => RETRY_FIELDS.has(k))) return model;
  return Object.fromEntries(Object.entries(model).filter(([k]) => !RETRY_FIELDS.has(k)));
}

/** Maps a parsed Loymax message to the one canonical event it stands for. */
export function loymaxToCanonical(message: LoymaxMessage, delivery: LoymaxDelivery): CanonicalEvent {
  // The body's hash costs a serialisation of the model: only a purchase's or
  // refund's identity and an event without identity need it.
  const hashOfBody = () => hashBody(JSON.stringify(withoutRetryFields(message.model)));
  const { customer, change, naturalKey, occurredAt, stream } = describe(message, hashOfBody);
  const { eventId, identityBasis } = deriveEventId(delivery.workspaceId, LOYMAX_SOURCE, { naturalKey, messageId: delivery.messageId });
  return {
    eventId,
    identityBasis,
    redelivered: delivery.redelivered,
    source: LOYMAX_SOURCE,
    routingKey: message.routingKey,
    eventCode: message.eventCode,
    customer,
    streamKey: `${customer.key}|${stream}`,
    bodyHash: identityBasis === 'none' ? hashOfBody() : null,
    messageId: delivery.messageId,
    occurredAt,
    receivedAt: delivery.receivedAt,
    payload: message.model,
    ...(message.json !== null ? { payloadJson: message.json } : {}),
    change,
  };
}

interface Description {
  customer: CustomerRef;
  change: ProfileChange;
  /** The model's own identity, when it has one. */
  naturalKey: string | null;
  occurredAt: string | null;
  /** What piece of the profile the event changes (see CanonicalEvent.streamKey). */
  stream: string;
}

function describe(message: LoymaxMessage, hashOfBody: () => string): Description {
  switch (message.routingKey) {
    case 'customer.registration.begin':
    case 'customer.registration.finish': {
      const step = message.routingKey === 'customer.registration.begin' ? 'started' : 'completed';
      return plain(message.model.customerInfo, { kind: 'registration', step }, `registration|${step}`);
    }
    case 'customer.card.link': {
      const m = message.model;
      const newCard = toCard(m.newCard);
      const change: ProfileChange = {
        kind: 'cardLinked',
        linkType: m.linkCardType ?? null,
        linkSource: m.linkSource ?? null,
        newCard,
        oldCard: m.oldCard ? toCard(m.oldCard) : null,
      };
      return plain(m.customerInfo, change, `card|${newCard.cardNumber}|link`);
    }
    case 'customer.profile.merge': {
      const from = toCustomer(message.model.fromCustomerInfo);
      const into = toCustomer(message.model.toCustomerInfo);
      return { customer: from, change: { kind: 'profilesMerged', into }, naturalKey: null, occurredAt: null, stream: `merge|${into.key}` };
    }
    case 'customer.card.changeState': {
      const card = toCard(message.model.cardInfo);
      return {
        ...plain(message.model.customerInfo, { kind: 'cardStateChanged', card, targetState: message.model.targetState ?? null }, `card|${card.cardNumber}|state`),
        occurredAt: toTimestamp(card.activationDate),
      };
    }
    case 'customer.card.changeBlockState': {
      const m = message.model;
      const cardNumber = String(m.cardInfo.cardNumber);
      const change: ProfileChange = { kind: 'cardBlockChanged', cardId: idOf(m.cardInfo.cardId), cardNumber, blocked: m.targetBlockState };
      return plain(m.customerInfo, change, `card|${cardNumber}|block`);
    }
    case 'customer.card.changeDeleteState': {
      const m = message.model;
      const cardNumber = String(m.cardNumber);
      const change: ProfileChange = { kind: 'cardDeleteChanged', cardId: idOf(m.cardId), cardNumber, deleted: m.targetDeleteState };
      return plain(m.customerInfo, change, `card|${cardNumber}|delete`);
    }
    case 'customer.card.changeCategory': {
      const m = message.model;
      const cardNumber = String(m.cardNumber);
      const category = m.newcardCategory ?? m.newCardCategory ?? null;
      return plain(m.customerInfo, { kind: 'cardCategoryChanged', cardId: idOf(m.cardId), cardNumber, category }, `card|${cardNumber}|category`);
    }
    case 'customer.attribute.update': {
      const m = message.model;
      const changedAt = toTimestamp(m.changeDateTime);
      const change: ProfileChange = {
        kind: 'attributeChanged',
        code: m.attributeCode,
        attributeId: idOf(m.attributeId),
        userAttributeType: m.userAttributeType ?? null,
        oldValue: textOf(m.oldValue),
        newValue: textOf(m.newValue),
        changedAt,
        activityUid: m.activityUid ?? null,
        fromBatchOperation: m.fromBatchOperation ?? null,
      };
      const event = plain(m.customerInfo, change, `attribute|${m.attributeCode}`);
      // One activity (a form filled in, a batch operation over many
      // customers) changes several attributes and customers under one uid:
      // the change is the uid's for this customer and this attribute.
      return {
        ...event,
        naturalKey: m.activityUid ? `attribute:${m.activityUid}|${event.customer.key}|${m.attributeCode}` : null,
        occurredAt: changedAt,
      };
    }
    case 'customer.subscription.update': {
      const m = message.model;
      const typeCode = m.subscriptionTypeCode ?? (m.subscriptionTypeId != null ? String(m.subscriptionTypeId) : m.mailingSubscriptionType ?? 'default');
      const info = m.subscriptionInfo;
      const change: ProfileChange = {
        kind: 'subscriptionChanged',
        typeCode,
        typeId: idOf(m.subscriptionTypeId),
        typeName: m.subscriptionTypeName ?? null,
        mailingSubscriptionType: m.mailingSubscriptionType ?? null,
        channels: {
          mail: info.mail ?? null,
          push: info.push ?? null,
          sms: info.sms ?? null,
          viber: info.viber ?? null,
          chatBot: info.chatBot ?? null,
          socialNetworks: info.socialNetworks ?? null,
        },
      };
      return plain(m.customerInfo, change, `subscription|${typeCode}`);
    }
    case 'purchases.confirm.modelUpdate': {
      const receipt = toReceipt(message.model.purchaseOperationInfo);
      // The same purchase with the same content is a repeat; with changed
      // content it is a model update and is applied.
      return {
        ...plain(message.model.customerInfo, { kind: 'purchaseConfirmed', receipt }, `purchase|${receipt.purchaseId}`),
        naturalKey: `purchase:${receipt.purchaseId}:${hashOfBody()}`,
        occurredAt: receipt.occurredAt,
      };
    }
    case 'purchases.refundModelUpdate': {
      const m = message.model;
      const receipt = toReceipt(m.refundOperationInfo);
      const change: ProfileChange = {
        kind: 'purchaseRefunded',
        receipt,
        refundedPurchaseId: idOf(m.refundedPurchaseViewModel?.refundedPurchaseId),
        refundedExternalPurchaseId: idOf(m.refundedPurchaseViewModel?.refundedPurchaseExternalId),
      };
      return {
        ...plain(m.customerInfo, change, `refund|${receipt.purchaseId}`),
        naturalKey: `refund:${receipt.purchaseId}:${hashOfBody()}`,
        occurredAt: receipt.occurredAt,
      };
    }
  }
}

function plain(info: CustomerInfo, change: ProfileChange, stream: string): Description {
  return { customer: toCustomer(info), change, naturalKey: null, occurredAt: null, stream };
}

export function toCustomer(info: CustomerInfo): CustomerRef {
  const externalId = String(info.customerId);
  return {
    key: `${LOYMAX_SOURCE}:${externalId}`,
    source: LOYMAX_SOURCE,
    externalId,
    uid: info.customerUid || null,
    code: info.customerCode || null,
    accountGroupId: idOf(info.accountgroupId ?? info.accountGroupId ?? info.accountfroupId),
    identifierId: idOf(info.identifierId),
    mobileDeviceId: idOf(info.mobileDeviceId),
    applicationId: idOf(info.applicationId),
  };
}

function toCard(card: Card): CardSnapshot {
  return {
    cardId: idOf(card.cardId),
    cardNumber: String(card.cardNumber),
    state: card.cardState ?? null,
    type: card.cardType ?? null,
    category: card.cardCategory ?? null,
    barCode: card.barCode ?? null,
    strip1: card.strip1 ?? null,
    strip2: card.strip2 ?? null,
    strip3: card.strip3 ?? null,
    blocked: card.isBlocked ?? null,
    deleted: card.isDeleted ?? null,
    activationDate: toTimestamp(card.activationDate),
  };
}

function toReceipt(op: LoymaxOperationInfo): Receipt {
  const data = op.purchaseData;
  return {
    purchaseId: String(data.purchaseId),
    externalPurchaseId: idOf(data.externalPurchaseId),
    chequeNumber: idOf(data.chequeNumber),
    amount: numberOf(data.amount),
    occurredAt: toTimestamp(op.dateTime),
    operationType: op.type ?? null,
    merchantId: idOf(op.merchantId),
    merchantUid: op.merchantUid ?? null,
    merchantCode: idOf(op.merchantCode),
    deviceCode: idOf(op.deviceCode),
    identity: idOf(op.identity),
    cashierIdentifier: idOf(op.cashierIdentifier),
    description: op.description ?? null,
    locationId: idOf(op.locationId),
    partnerId: op.partnerId ?? null,
    brandId: op.brandId ?? null,
    currencyExternalId: data.currencyExternalId ?? data.currencyDeviceExternalId ?? null,
    items: (data.chequeItems ?? []).map((item) => ({
      positionId: item.positionId ?? null,
      itemId: idOf(item.itemId),
      description: item.description ?? null,
      quantity: numberOf(item.quantity),
      unit: item.unit ?? null,
      amount: numberOf(item.amount),
    })),
    withdraws: (data.withdraws ?? []).map((w) => toMovement(w, w.withdrawType)),
    rewards: (data.rewards ?? []).map((r) => toMovement(r, r.rewardType)),
    attributes: data.purchaseAttributes ?? [],
  };
}

function toMovement(m: LoymaxMovement, type: string | null | undefined): MoneyMovement {
  const positionInfo: Record<string, number> = {};
  for (const [position, amount] of Object.entries(m.positionInfo ?? {})) positionInfo[position] = Number(amount);
  return {
    type: type ?? null,
    amount: numberOf(m.amount),
    moneyAmount: numberOf(m.moneyAmount),
    description: m.description ?? null,
    offerExternalId: m.offerExternalId ?? null,
    currencyExternalId: m.currencyExternalId ?? null,
    positionInfo,
  };
}

function idOf(value: string | number | null | undefined): string | null {
  return value === null || value === undefined || value === '' ? null : String(value);
}

function textOf(value: string | number | boolean | null | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

function numberOf(value: string | number | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** ISO timestamps only; anything unreadable is kept in the payload but not used as a time. */
/** Times were checked by the schemas (format date-time); what is left is a time or none. */
function toTimestamp(value: string | null | undefined): string | null {
  return loymaxTime(value) ?? null;
}
