import { Type, type TSchema } from '@sinclair/typebox';

/**
 * The wire format of the bonus commands, as inferred from the seed's example
 * (its field tables were lost): limits, enumerations and the schemas the
 * OpenAPI description shows. Validation itself is validate-command.ts, which
 * answers per item instead of refusing the whole request.
 */

export const MAX_ITEMS_PER_COMMAND = 10_000;
/** 10,000 items with every field filled stay well under this. */
export const COMMAND_BODY_LIMIT = 16 * 1024 * 1024;

export const EVENT_TYPES = ['operation', 'event'] as const;
export const OPERATION_TYPES = ['purchase', 'refund', 'payment', 'transfer', 'cashWithdrawal', 'deposit'] as const;
/** getBonusOperationExt's operation types; the ledger holds accruals only so far. */
export const OPERATION_KINDS = { accrual: 'Accrual of bonuses' } as const;

export const LIMITS = {
  uniqId: 100,
  info: 1000,
  message: 2000,
  eventId: 100,
  merchantName: 200,
  bankProduct: 200,
  mcc: 100,
  showCount: 1000,
} as const;

const nullable = (schema: TSchema) => Type.Union([schema, Type.Null()]);
const decimal = (description: string) => Type.Union([Type.Number({ minimum: 0 }), Type.String()], { description });
const ifAmount = 'Taken only when amount > 0 (seed 3.5: without an amount it is ignored).';

export const AddBonusItem = Type.Object(
  {
    uniqId: Type.String({ maxLength: LIMITS.uniqId, description: 'REQUIRED. The customer\'s unique id, the "login". An integer is taken as its digits.' }),
    guid: Type.String({ format: 'uuid', description: 'REQUIRED. Identity of this operation: a guid that has succeeded once never succeeds again (no double accrual).' }),
    amount: Type.Optional(decimal('Points to accrue: >= 0, at most 4 decimals, at most 999999999.9999. Not passed, or 0: no accrual. null or "" is an error (an empty decimal must be passed as 0).')),
    email: Type.Optional(nullable(Type.String({ maxLength: 254, description: 'E-mail, name@domain.tld. Need not be unique (FAQ 5).' }))),
    phone: Type.Optional(nullable(Type.String({ pattern: '^\\+\\d{11,15}$', description: '"+", country code and number, 11 to 15 digits, e.g. +79257443549. Unique per customer (FAQ 3, 4).' }))),
    info: Type.Optional(nullable(Type.String({ maxLength: LIMITS.info, description: `Description of the operation. ${ifAmount}` }))),
    message: Type.Optional(nullable(Type.String({ maxLength: LIMITS.message, description: 'Information message shown to the customer at authorisation (also without an accrual, FAQ 1).' }))),
    showCount: Type.Optional(nullable(Type.Integer({ minimum: 1, maximum: LIMITS.showCount, description: 'How many authorisations show the message; default 1. Ignored without a message.' }))),
    showTill: Type.Optional(nullable(Type.String({ format: 'date-time', description: 'The message is not shown after this time; null: no end. Ignored without a message.' }))),
    eventId: Type.Optional(nullable(Type.String({ maxLength: LIMITS.eventId, description: `Partner's id of the event behind the accrual. ${ifAmount}` }))),
    eventDate: Type.Optional(nullable(Type.String({ description: `ISO 8601; offsets Z, +03, +0300, +03:00; none means UTC. ${ifAmount}` }))),
    eventType: Type.Optional(nullable(Type.String({ enum: [...EVENT_TYPES], description: `One of ${EVENT_TYPES.join(', ')}. ${ifAmount}` }))),
    operationType: Type.Optional(nullable(Type.String({ enum: [...OPERATION_TYPES], description: `One of ${OPERATION_TYPES.join(', ')}. ${ifAmount}` }))),
    operationAmount: Type.Optional(decimal(`Amount of the partner's operation; decimal as amount (empty must be 0). ${ifAmount}`)),
    merchantName: Type.Optional(nullable(Type.String({ maxLength: LIMITS.merchantName, description: ifAmount }))),
    bankProduct: Type.Optional(nullable(Type.String({ maxLength: LIMITS.bankProduct, description: ifAmount }))),
    mcc: Type.Optional(nullable(Type.String({ maxLength: LIMITS.mcc, description: `Merchant category (free text, e.g. "Petrol station"). ${ifAmount}` }))),
  },
  { description: 'Object AddBonus. Unknown fields are ignored.' },
);

export const CustomerRefItem = Type.Object(
  {
    uniqId: Type.Optional(nullable(Type.String({ maxLength: LIMITS.uniqId }))),
    phone: Type.Optional(nullable(Type.String({ pattern: '^\\+\\d{11,15}$' }))),
    email: Type.Optional(nullable(Type.String({ maxLength: 254 }))),
    guid: Type.Optional(nullable(Type.String({ format: 'uuid', description: 'Optional; echoed in the result' }))),
  },
  { description: 'A customer, by one of uniqId, phone, e-mail (REQUIRED: at least one; the first given of uniqId, phone, email is used).' },
);

export const BonusErrorSchema = Type.Object(
  {
    typeOfError: Type.String({
      description:
        'Stage one: invalidJson, requiredParameterMissing, dataNotValid, wrongParam, tooManyItems. Stage two: duplicateGuid, phoneBelongsToOtherCustomer, ambiguousEmail, customerNotFound, processingError.',
    }),
    description: Type.String(),
  },
  { description: 'Object Error' },
);

const ItemResultSchema = Type.Object(
  {
    login: nullable(Type.String()),
    guid: nullable(Type.String()),
    status: Type.String({ enum: ['Success', 'Failure'] }),
    error: nullable(BonusErrorSchema),
  },
  { description: 'Object AddStatus' },
);

export const CommandBody = Type.Object(
  {
    typeOfCommand: Type.String({ enum: ['addCustomerPointMessage', 'blockCustomers', 'activateCustomers', 'getBonusOperationExt'] }),
    add: Type.Optional(Type.Array(AddBonusItem, { maxItems: MAX_ITEMS_PER_COMMAND, description: 'addCustomerPointMessage: the items' })),
    customers: Type.Optional(Type.Array(CustomerRefItem, { maxItems: MAX_ITEMS_PER_COMMAND, description: 'blockCustomers, activateCustomers: the customers' })),
    uniqId: Type.Optional(Type.String({ description: 'getBonusOperationExt: only this customer (or phone, or email)' })),
    phone: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
    operationTypes: Type.Optional(Type.Array(Type.String({ enum: Object.keys(OPERATION_KINDS) }), { description: 'getBonusOperationExt: accrual ("Accrual of bonuses")' })),
    dateFrom: Type.Optional(Type.String({ format: 'date-time', description: 'getBonusOperationExt: operations at or after' })),
    dateTo: Type.Optional(Type.String({ format: 'date-time', description: 'getBonusOperationExt: operations before' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
    afterId: Type.Optional(Type.Integer({ minimum: 0, description: 'getBonusOperationExt: page after this operation id' })),
  },
  { description: 'The documented request: {"add":[…], "typeOfCommand":"addCustomerPointMessage"} and its companions.' },
);

const OperationSchema = Type.Object({
  id: Type.Integer(),
  guid: Type.String(),
  login: Type.String(),
  requestedLogin: Type.String(),
  type: Type.String(),
  typeName: Type.String(),
  amount: Type.Number(),
  date: Type.String({ format: 'date-time' }),
  info: nullable(Type.String()),
  eventId: nullable(Type.String()),
  eventDate: nullable(Type.String()),
  eventType: nullable(Type.String()),
  operationType: nullable(Type.String()),
  operationAmount: nullable(Type.Number()),
  merchantName: nullable(Type.String()),
  bankProduct: nullable(Type.String()),
  mcc: nullable(Type.String()),
  commandId: Type.String(),
  itemNo: Type.Integer(),
});

export const CommandAnswer = Type.Object(
  {
    status: Type.String({ enum: ['Success', 'Failure'] }),
    error: nullable(BonusErrorSchema),
    commandId: Type.Optional(Type.String({ description: 'Queued commands: read the background outcome at GET /v1/bonus/commands/{commandId}' })),
    results: Type.Optional(Type.Array(ItemResultSchema, { description: 'Queued commands: the stage-one verdict of each item, in the order sent' })),
    operations: Type.Optional(Type.Array(OperationSchema, { description: 'getBonusOperationExt: the page, oldest first' })),
    total: Type.Optional(Type.Object({ count: Type.Integer(), amount: Type.Number() }, { description: 'getBonusOperationExt: over the whole filter, not only this page' })),
    nextAfterId: Type.Optional(nullable(Type.Integer())),
  },
  { description: 'Documented shape: results[] of login, guid, status, error' },
);

export const CommandOutcome = Type.Object({
  commandId: Type.String(),
  typeOfCommand: Type.String(),
  receivedAt: Type.String({ format: 'date-time' }),
  queued: Type.Integer({ description: 'Items still waiting for the background process' }),
  results: Type.Array(
    Type.Object({
      itemNo: Type.Integer(),
      login: nullable(Type.String()),
      guid: nullable(Type.String()),
      status: Type.String({ enum: ['Queued', 'Success', 'Failure'] }),
      error: nullable(BonusErrorSchema),
      customer: nullable(Type.String({ description: 'The uniqId the item was applied to (FAQ 7 sends points to the e-mail\'s owner)' })),
    }),
  ),
});

export const BonusCustomerSchema = Type.Object({
  login: Type.String(),
  status: Type.String({ enum: ['New', 'Active', 'Blocked'] }),
  balance: Type.Number({ description: 'Sum of the ledger operations' }),
  phone: nullable(Type.String()),
  email: nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  activatedAt: nullable(Type.String({ format: 'date-time' })),
  blockedAt: nullable(Type.String({ format: 'date-time' })),
  messagesToShow: Type.Integer({ description: 'Messages that the next authorisation would show' }),
});

export const MessageShown = Type.Object({
  guid: Type.String(),
  message: Type.String(),
  showCount: Type.Integer(),
  shownCount: Type.Integer({ description: 'Including this showing' }),
  showTill: nullable(Type.String({ format: 'date-time' })),
});

export const AuthorisationAnswer = Type.Object({
  login: Type.String(),
  status: Type.String({ enum: ['New', 'Active', 'Blocked'] }),
  activated: Type.Boolean({ description: 'This authorisation turned a New customer Active (seed 3.3)' }),
  balance: Type.Number(),
  messages: Type.Array(MessageShown, { description: 'To show now, in the bonus window; each showing is counted' }),
});
