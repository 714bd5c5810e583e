import { FormatRegistry, Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { loymaxTime } from './loymax-time.ts';
import type { LoymaxRoutingKey } from './routing-keys.ts';

/*
 * The example models of seed 001 as schemas. They require only what the
 * profile cannot do without (who, which card, which purchase) and allow
 * everything else to be absent or null, because the examples themselves
 * disagree on optional fields. Unknown extra fields are kept, not rejected:
 * the loyalty system may add fields before we know them.
 */
const Nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));
// An id sent as a JSON number past 2^53 has already lost digits when parsed
// (9643108503520071 reads as ...072, another card): refused, not stored wrong.
const SafeInteger = () => Type.Integer({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER });
const Id = Type.Union([SafeInteger(), Type.String({ minLength: 1, maxLength: 200 })]);
const OptionalId = Nullable(Type.Union([SafeInteger(), Type.String({ maxLength: 200 })]));
const Text = Nullable(Type.String({ maxLength: 10_000 }));
const DecimalText = Type.String({ pattern: '^\\s*-?\\d+(\\.\\d+)?\\s*$' });
const Decimal = Nullable(Type.Union([Type.Number(), DecimalText]));
const Flag = Nullable(Type.Boolean());
// A time the profile orders changes by: a text that is not one is refused, never replaced by the time it arrived.
// TypeBox formats are process-wide: a name of its own changes no other schema's 'date-time'.
FormatRegistry.Set('loymax-date-time', (value) => loymaxTime(value) !== undefined);
const Time = Nullable(Type.String({ maxLength: 100, format: 'loymax-date-time' }));

export const CustomerInfo = Type.Object({
  customerId: Id,
  accountgroupId: OptionalId,
  // seed 001's purchase model spells it "accountfroupId"
  accountfroupId: OptionalId,
  accountGroupId: OptionalId,
  customerUid: Text,
  customerCode: Text,
  mobileDeviceId: OptionalId,
  identifierId: OptionalId,
  applicationId: OptionalId,
});
export type CustomerInfo = Static<typeof CustomerInfo>;

export const Card = Type.Object({
  cardId: OptionalId,
  cardNumber: Id,
  cardState: Text,
  activationDate: Time,
  cardType: Text,
  cardCategory: Text,
  barCode: Text,
  strip1: Text,
  strip2: Text,
  strip3: Text,
  isBlocked: Flag,
  isDeleted: Flag,
});
export type Card = Static<typeof Card>;

const Envelope = { eventCode: Type.String({ minLength: 1 }), customerInfo: CustomerInfo };

const Registration = Type.Object(Envelope);

const CardLink = Type.Object({
  ...Envelope,
  newCard: Card,
  oldCard: Nullable(Card),
  linkSource: Text,
  linkCardType: Text,
});

const ProfileMerge = Type.Object({
  eventCode: Type.String({ minLength: 1 }),
  fromCustomerInfo: CustomerInfo,
  toCustomerInfo: CustomerInfo,
});

const CardChangeState = Type.Object({ ...Envelope, cardInfo: Card, targetState: Text });

const CardChangeBlockState = Type.Object({
  ...Envelope,
  targetBlockState: Type.Boolean(),
  cardInfo: Type.Object({ cardId: OptionalId, cardNumber: Id }),
});

const CardChangeDeleteState = Type.Object({
  ...Envelope,
  targetDeleteState: Type.Boolean(),
  cardId: OptionalId,
  cardNumber: Id,
});

const CardChangeCategory = Type.Object({
  ...Envelope,
  cardId: OptionalId,
  cardNumber: Id,
  newcardCategory: Text,
  newCardCategory: Text,
});

const AttributeValue = Nullable(Type.Union([Type.String({ maxLength: 10_000 }), Type.Number(), Type.Boolean()]));
const AttributeUpdate = Type.Object({
  ...Envelope,
  attributeCode: Type.String({ minLength: 1, maxLength: 200 }),
  userAttributeType: Text,
  attributeId: OptionalId,
  oldValue: AttributeValue,
  newValue: AttributeValue,
  changeDateTime: Time,
  activityUid: Text,
  fromBatchOperation: Flag,
});

const SubscriptionState = Nullable(Type.String({ maxLength: 100 }));
const SubscriptionUpdate = Type.Object({
  ...Envelope,
  mailingSubscriptionType: Text,
  subscriptionTypeId: OptionalId,
  subscriptionTypeCode: Text,
  subscriptionTypeName: Text,
  subscriptionInfo: Type.Object({
    mail: SubscriptionState,
    push: SubscriptionState,
    sms: SubscriptionState,
    viber: SubscriptionState,
    chatBot: SubscriptionState,
    socialNetworks: SubscriptionState,
  }),
});

// Amounts per cheque position: numbers, or decimals written as text ("12.5"); other text is refused, not read as nothing.
const PositionInfo = Nullable(Type.Record(Type.String(), Type.Union([Type.Number(), DecimalText])));
const ChequeItem = Type.Object({
  positionId: OptionalId,
  description: Text,
  quantity: Decimal,
  unit: Text,
  amount: Decimal,
  itemId: OptionalId,
});
const Movement = Type.Object({
  moneyAmount: Decimal,
  description: Text,
  positionInfo: PositionInfo,
  amount: Decimal,
  withdrawType: Text,
  rewardType: Text,
  offerExternalId: Text,
  currencyExternalId: Text,
});
const PurchaseData = Type.Object({
  chequeNumber: OptionalId,
  purchaseId: Id,
  externalPurchaseId: OptionalId,
  amount: Decimal,
  currencyExternalId: Text,
  // the refund example names the currency field differently
  currencyDeviceExternalId: Text,
  chequeItems: Nullable(Type.Array(ChequeItem, { maxItems: 10_000 })),
  withdraws: Nullable(Type.Array(Movement, { maxItems: 10_000 })),
  rewards: Nullable(Type.Array(Movement, { maxItems: 10_000 })),
  isRefund: Flag,
  purchaseAttributes: Nullable(Type.Array(Type.Unknown())),
});
const OperationInfo = Type.Object({
  merchantId: OptionalId,
  merchantUid: Text,
  merchantCode: OptionalId,
  deviceCode: OptionalId,
  dateTime: Time,
  type: Text,
  identity: OptionalId,
  cashierIdentifier: OptionalId,
  description: Text,
  locationId: OptionalId,
  partnerId: Text,
  brandId: Text,
  purchaseData: PurchaseData,
});
const PurchaseConfirm = Type.Object({ ...Envelope, purchaseOperationInfo: OperationInfo });
const PurchaseRefund = Type.Object({
  ...Envelope,
  refundOperationInfo: OperationInfo,
  refundedPurchaseViewModel: Nullable(
    Type.Object({ refundedPurchaseId: OptionalId, refundedPurchaseExternalId: OptionalId }),
  ),
});

export const LOYMAX_MODELS = {
  'customer.registration.begin': Registration,
  'customer.registration.finish': Registration,
  'customer.card.link': CardLink,
  'customer.profile.merge': ProfileMerge,
  'customer.card.changeState': CardChangeState,
  'customer.card.changeBlockState': CardChangeBlockState,
  'customer.card.changeDeleteState': CardChangeDeleteState,
  'customer.card.changeCategory': CardChangeCategory,
  'customer.attribute.update': AttributeUpdate,
  'customer.subscription.update': SubscriptionUpdate,
  'purchases.confirm.modelUpdate': PurchaseConfirm,
  'purchases.refundModelUpdate': PurchaseRefund,
} satisfies Record<LoymaxRoutingKey, TSchema>;

export type LoymaxModels = { [K in LoymaxRoutingKey]: Static<(typeof LOYMAX_MODELS)[K]> };
export type LoymaxOperationInfo = Static<typeof OperationInfo>;
export type LoymaxMovement = Static<typeof Movement>;

export const LOYMAX_MODEL_CHECKERS = Object.fromEntries(
  Object.entries(LOYMAX_MODELS).map(([key, schema]) => [key, TypeCompiler.Compile(schema)]),
) as { [K in LoymaxRoutingKey]: ReturnType<typeof TypeCompiler.Compile<(typeof LOYMAX_MODELS)[K]>> };
