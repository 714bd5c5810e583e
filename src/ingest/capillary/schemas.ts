import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

/*
 * The `data` of each event in seed 002 as schemas. They require only what
 * the profile cannot do without (which customer, which group, how many
 * points) and allow everything else to be absent or null, because the
 * examples leave out different fields. Unknown extra fields are kept, not
 * rejected. Lengths are bounded where a value becomes part of an index key.
 */
const Nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));
/** A value used as (part of) a key: identifier values, account ids, field names. */
const KEY_LENGTH = 256;
const Id = Type.Union([Type.Integer(), Type.String({ minLength: 1, maxLength: 64, pattern: '\\S' })]);
const IdentValue = Type.Union([Type.String({ maxLength: KEY_LENGTH }), Type.Number()]);
const Ident = Nullable(IdentValue);
const Text = Nullable(Type.String({ maxLength: 10_000 }));
const ShortText = Nullable(Type.String({ maxLength: KEY_LENGTH }));
const Scalar = Nullable(Type.Union([Type.String({ maxLength: 10_000 }), Type.Number(), Type.Boolean()]));
const Time = Nullable(Type.Union([Type.Number(), Type.String({ maxLength: 64 })]));

const KeyValue = Type.Object({ key: Type.String({ minLength: 1, maxLength: KEY_LENGTH }), value: Scalar });

export const ChannelAccounts = Type.Object({
  accounts: Nullable(
    Type.Array(
      Type.Object({
        accountId: Ident,
        identifiers: Nullable(Type.Array(Type.Object({ identifierType: Nullable(Type.String({ maxLength: 64 })), identifierValue: Ident }), { maxItems: 100 })),
      }),
      { maxItems: 100 },
    ),
  ),
});
export type ChannelAccounts = Static<typeof ChannelAccounts>;
export const channelAccountsChecker = TypeCompiler.Compile(ChannelAccounts);

export const Instore = Type.Object({
  id: Ident,
  mobile: Ident,
  email: Ident,
  externalId: Ident,
  cardnumber: Ident,
  card_number: Ident,
  cardexternalid: Ident,
  cardNumbers: Nullable(Type.Array(Ident, { maxItems: 100 })),
});

/**
 * Who the customer is in every system Capillary knows: the customer id, the
 * instore identifiers and, under any other key (facebook, wechat, line,
 * tmall, jd, website, ecommerce, the seed's "toabao" ...), accounts per
 * channel. Channel keys are not listed: a new one must not be rejected.
 */
export const CustomerIdentifiers = Type.Object({
  customerId: Id,
  firstName: Text,
  lastName: Text,
  loyaltyType: Text,
  instore: Nullable(Instore),
});
export type CustomerIdentifiers = Static<typeof CustomerIdentifiers> & Record<string, unknown>;

export const UpdatedField = Type.Object({
  fieldName: Type.String({ minLength: 1, maxLength: KEY_LENGTH }),
  previousValue: Scalar,
  currentValue: Scalar,
  fieldType: ShortText,
  source: Text,
  accountId: Text,
});

export const CustomerStatus = Type.Object({
  previousStatus: Text,
  previousLabel: Text,
  currentStatus: Text,
  currentLabel: Text,
  reason: Text,
});

export const CustomerData = Type.Object({
  customerIdentifiers: CustomerIdentifiers,
  loyaltyType: Text,
  source: Text,
  accountId: Text,
  firstName: Text,
  lastName: Text,
  enteredAt: Time,
  customFields: Nullable(Type.Array(KeyValue, { maxItems: 1000 })),
  extendedFields: Nullable(Type.Array(KeyValue, { maxItems: 1000 })),
  updatedFields: Nullable(Type.Array(UpdatedField, { maxItems: 1000 })),
  customerStatus: Nullable(CustomerStatus),
});
export type CustomerData = Static<typeof CustomerData>;

export const Subscription = Type.Object({
  channel: Type.String({ minLength: 1, maxLength: 64 }),
  sourceAccountId: Ident,
  priority: ShortText,
  previousStatus: Text,
  currentStatus: Text,
  sourceName: Text,
  ouId: Ident,
  ouCode: Text,
});

export const SubscriptionData = Type.Object({
  customerIdentifiers: CustomerIdentifiers,
  subscriptions: Type.Array(Subscription, { maxItems: 100 }),
});
export type SubscriptionData = Static<typeof SubscriptionData>;

export const Member = Type.Object({
  firstName: Text,
  lastName: Text,
  role: Text,
  customerIdentifiers: CustomerIdentifiers,
});
export type Member = Static<typeof Member>;

const Group = {
  groupId: Id,
  groupName: Text,
  enteredAt: Time,
};

export const GroupData = Type.Object({ ...Group, primaryMember: Member });
export type GroupData = Static<typeof GroupData>;

export const MemberAddedData = Type.Object({ ...Group, primaryMember: Nullable(Member), memberAdded: Member });
export type MemberAddedData = Static<typeof MemberAddedData>;

export const MemberRemovedData = Type.Object({ ...Group, primaryMember: Nullable(Member), memberRemoved: Member });
export type MemberRemovedData = Static<typeof MemberRemovedData>;

export const PointsContributionData = Type.Object({
  ...Group,
  primaryMember: Nullable(Member),
  contributingMember: Member,
  pointsContributedToGroup: Type.Union([Type.Number(), Type.String({ pattern: '^\\s*-?\\d+(\\.\\d+)?\\s*$', maxLength: 64 })]),
  loyaltyProgramId: Ident,
  loyaltyProgramDetails: Nullable(Type.Object({})),
  triggeringActivity: Nullable(Type.Object({})),
});
export type PointsContributionData = Static<typeof PointsContributionData>;

/** Event name -> the schema of its `data`. */
export const CAPILLARY_DATA_SCHEMAS = {
  customerAdded: CustomerData,
  customerUpdated: CustomerData,
  customerSubscription: SubscriptionData,
  groupCreated: GroupData,
  groupUpdated: GroupData,
  groupMemberAdded: MemberAddedData,
  groupMemberRemoved: MemberRemovedData,
  pointsContributionToGroup: PointsContributionData,
} as const;

export type CapillaryEventName = keyof typeof CAPILLARY_DATA_SCHEMAS;
export const CAPILLARY_EVENT_NAMES = Object.keys(CAPILLARY_DATA_SCHEMAS) as CapillaryEventName[];
export type CapillaryData = { [N in CapillaryEventName]: Static<(typeof CAPILLARY_DATA_SCHEMAS)[N]> };

export const CAPILLARY_DATA_CHECKERS = Object.fromEntries(
  CAPILLARY_EVENT_NAMES.map((name) => [name, TypeCompiler.Compile(CAPILLARY_DATA_SCHEMAS[name])]),
) as { [N in CapillaryEventName]: ReturnType<typeof TypeCompiler.Compile<(typeof CAPILLARY_DATA_SCHEMAS)[N]>> };

export const isCapillaryEventName = (name: string): name is CapillaryEventName => Object.hasOwn(CAPILLARY_DATA_SCHEMAS, name);
