/**
 * The bonus commands as smartcom holds them once stage one has checked their
 * format: plain data shared by validation, the queue and the worker.
 */

export type CustomerStatus = 'New' | 'Active' | 'Blocked';

/** The documented Error object. */
export interface BonusError {
  typeOfError: BonusErrorType;
  description: string;
}

export type BonusErrorType =
  // stage one (format), per item or for the whole command
  | 'invalidJson'
  | 'requiredParameterMissing'
  | 'dataNotValid'
  | 'wrongParam'
  | 'tooManyItems'
  // stage two (business rules)
  | 'duplicateGuid'
  | 'phoneBelongsToOtherCustomer'
  | 'ambiguousEmail'
  | 'customerNotFound'
  | 'processingError';

/** The documented AddStatus object: one per item, in the order sent. */
export interface ItemResult {
  login: string | null;
  guid: string | null;
  status: 'Success' | 'Failure';
  error: BonusError | null;
}

/** The fields that describe an accrual; only kept when an amount is passed (seed 3.5). */
export interface AccrualDetails {
  /** Decimal text, > 0, at most 4 fraction digits. */
  amount: string;
  info: string | null;
  eventId: string | null;
  /** ISO 8601 in UTC. */
  eventDate: string | null;
  eventType: string | null;
  operationType: string | null;
  operationAmount: string | null;
  merchantName: string | null;
  bankProduct: string | null;
  mcc: string | null;
}

export interface MessageDetails {
  text: string;
  showCount: number;
  /** ISO 8601 in UTC; null: no end date. */
  showTill: string | null;
}

/** One validated addCustomerPointMessage item. */
export interface AddItem {
  guid: string;
  uniqId: string;
  /** `+` and digits, as validated. */
  phone: string | null;
  email: string | null;
  accrual: AccrualDetails | null;
  message: MessageDetails | null;
}

/** One validated blockCustomers / activateCustomers item: the customer by uniqId, phone or e-mail. */
export interface CustomerRef {
  guid: string | null;
  uniqId: string | null;
  phone: string | null;
  email: string | null;
}

export type QueuedItem = { kind: 'add'; item: AddItem } | { kind: 'block' | 'activate'; item: CustomerRef };

export type ItemKind = QueuedItem['kind'];

export const COMMAND_KINDS = {
  addCustomerPointMessage: 'add',
  blockCustomers: 'block',
  activateCustomers: 'activate',
} as const satisfies Record<string, ItemKind>;

export type QueuedCommandType = keyof typeof COMMAND_KINDS;

/** One item's stage-one outcome: queued with its normalised form, or refused. */
export type ItemVerdict = { result: ItemResult; queued: QueuedItem | null; raw: unknown };
