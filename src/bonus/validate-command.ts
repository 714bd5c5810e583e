import { toStorableText } from '../events/storable-json.ts';
import { fail, ok, type Result } from '../result.ts';
import { EVENT_TYPES, LIMITS, MAX_ITEMS_PER_COMMAND, OPERATION_KINDS, OPERATION_TYPES } from './command-schemas.ts';
import { COMMAND_KINDS, type AccrualDetails, type AddItem, type BonusError, type CustomerRef, type ItemVerdict, type MessageDetails, type QueuedCommandType } from './command-types.ts';
import {
  readDateTime,
  readDecimal,
  readEmail,
  readEnum,
  readGuid,
  readInteger,
  readPhone,
  readText,
  type FieldErrors,
  type Fields,
} from './validate-fields.ts';

/**
 * Stage one (seed 1.1): the format checks made before the answer. A command
 * that is not JSON, or has no known typeOfCommand or no item list, is refused
 * whole; otherwise each item gets its own verdict and only the good ones are
 * queued. Business rules (uniqueness, statuses) are the background's (1.2).
 * Pure.
 */

export interface OperationQuery {
  customer: { uniqId: string | null; phone: string | null; email: string | null } | null;
  kinds: string[];
  /** ISO 8601, inclusive. */
  from: string | null;
  /** ISO 8601, exclusive. */
  to: string | null;
  limit: number;
  afterId: number;
}

export type ValidCommand =
  | { typeOfCommand: QueuedCommandType; verdicts: ItemVerdict[] }
  | { typeOfCommand: 'getBonusOperationExt'; query: OperationQuery };

const ITEM_LISTS: Record<QueuedCommandType, string> = { addCustomerPointMessage: 'add', blockCustomers: 'customers', activateCustomers: 'customers' };
const COMMANDS = [...Object.keys(ITEM_LISTS), 'getBonusOperationExt'];

export function validateCommand(body: string): Result<ValidCommand, BonusError> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.replace(/^\uFEFF/, ''));
  } catch (error) {
    return fail({ typeOfError: 'invalidJson', description: `the command is not valid JSON: ${(error as Error).message}` });
  }
  if (!isRecord(parsed)) return fail({ typeOfError: 'invalidJson', description: 'the command must be a JSON object' });
  const type = parsed.typeOfCommand;
  if (type === undefined || type === null || type === '') return fail({ typeOfError: 'requiredParameterMissing', description: 'typeOfCommand is required' });
  if (typeof type !== 'string' || !COMMANDS.includes(type)) {
    return fail({ typeOfError: 'wrongParam', description: `typeOfCommand must be one of ${COMMANDS.join(', ')}, not ${JSON.stringify(type)}` });
  }
  if (type === 'getBonusOperationExt') {
    const query = validateOperationQuery(parsed);
    return query.ok ? ok({ typeOfCommand: type, query: query.value }) : query;
  }
  const typeOfCommand = type as QueuedCommandType;
  const listName = ITEM_LISTS[typeOfCommand];
  const items = parsed[listName];
  if (!Array.isArray(items) || items.length === 0) {
    return fail({ typeOfError: 'requiredParameterMissing', description: `${listName} must be a non-empty array of items for ${type}` });
  }
  if (items.length > MAX_ITEMS_PER_COMMAND) {
    return fail({ typeOfError: 'tooManyItems', description: `${items.length} items; at most ${MAX_ITEMS_PER_COMMAND} per command` });
  }
  const kind = COMMAND_KINDS[typeOfCommand];
  const validate = kind === 'add' ? validateAddItem : (raw: unknown) => validateCustomerRef(raw, kind);
  return ok({ typeOfCommand, verdicts: items.map((raw) => validate(raw)) });
}

/** One addCustomerPointMessage item (Object AddBonus). */
export function validateAddItem(raw: unknown): ItemVerdict {
  if (!isRecord(raw)) return refuse(raw, null, null, [{ typeOfError: 'dataNotValid', description: 'the item must be an object' }]);
  const errors: FieldErrors = [];
  const uniqId = readText(raw, 'uniqId', errors, { max: LIMITS.uniqId, required: true, number: true });
  const guid = readGuid(raw, 'guid', errors, true);
  const phone = readPhone(raw, 'phone', errors);
  const email = readEmail(raw, 'email', errors);
  const accrual = readAccrual(raw, errors);
  const message = readMessage(raw, errors);
  if (errors.length > 0 || uniqId === null || guid === null) return refuse(raw, loginOf(raw.uniqId), guidOf(raw.guid), errors);
  const item: AddItem = { guid, uniqId, phone, email, accrual, message };
  return { raw, result: success(uniqId, guid), queued: { kind: 'add', item } };
}

/**
 * Seed 3.5: without an amount the amount-dependent fields are not accepted,
 * so they are neither checked nor kept. An amount of 0 is the seed's "empty
 * decimal" and means the same: no accrual.
 */
function readAccrual(raw: Fields, errors: FieldErrors): AccrualDetails | null {
  const amount = readDecimal(raw, 'amount', errors);
  if (amount === undefined || amount === null || Number(amount) === 0) return null;
  return {
    amount,
    info: readText(raw, 'info', errors, { max: LIMITS.info }),
    eventId: readText(raw, 'eventId', errors, { max: LIMITS.eventId, number: true }),
    eventDate: readDateTime(raw, 'eventDate', errors),
    eventType: readEnum(raw, 'eventType', errors, EVENT_TYPES),
    operationType: readEnum(raw, 'operationType', errors, OPERATION_TYPES),
    operationAmount: readDecimal(raw, 'operationAmount', errors) ?? null,
    merchantName: readText(raw, 'merchantName', errors, { max: LIMITS.merchantName }),
    bankProduct: readText(raw, 'bankProduct', errors, { max: LIMITS.bankProduct }),
    mcc: readText(raw, 'mcc', errors, { max: LIMITS.mcc, number: true }),
  };
}

/** FAQ 1: a message may come without an accrual. showCount and showTill only mean something with one. */
function readMessage(raw: Fields, errors: FieldErrors): MessageDetails | null {
  const text = readText(raw, 'message', errors, { max: LIMITS.message });
  if (text === null) return null;
  const showCount = readInteger(raw, 'showCount', errors, 1, LIMITS.showCount) ?? 1;
  const showTill = readDateTime(raw, 'showTill', errors);
  return { text, showCount, showTill };
}

/** One blockCustomers / activateCustomers item: a customer by uniqId, phone or e-mail. */
export function validateCustomerRef(raw: unknown, kind: 'block' | 'activate'): ItemVerdict {
  if (!isRecord(raw)) return refuse(raw, null, null, [{ typeOfError: 'dataNotValid', description: 'the item must be an object' }]);
  const errors: FieldErrors = [];
  const ref: CustomerRef = {
    guid: readGuid(raw, 'guid', errors, false),
    uniqId: readText(raw, 'uniqId', errors, { max: LIMITS.uniqId, number: true }),
    phone: readPhone(raw, 'phone', errors),
    email: readEmail(raw, 'email', errors),
  };
  const login = ref.uniqId ?? ref.phone ?? ref.email;
  if (errors.length === 0 && login === null) errors.push({ typeOfError: 'requiredParameterMissing', description: 'one of uniqId, phone, email is required' });
  if (errors.length > 0 || login === null) return refuse(raw, loginOf(raw.uniqId ?? raw.phone ?? raw.email), guidOf(raw.guid), errors);
  return { raw, result: success(login, ref.guid), queued: { kind, item: ref } };
}

function validateOperationQuery(raw: Fields): Result<OperationQuery, BonusError> {
  const errors: FieldErrors = [];
  const uniqId = readText(raw, 'uniqId', errors, { max: LIMITS.uniqId, number: true });
  const phone = readPhone(raw, 'phone', errors);
  const email = readEmail(raw, 'email', errors);
  const from = readDateTime(raw, 'dateFrom', errors);
  const to = readDateTime(raw, 'dateTo', errors);
  const limit = readInteger(raw, 'limit', errors, 1, 10_000) ?? 1000;
  const afterId = readInteger(raw, 'afterId', errors, 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const kinds = readOperationKinds(raw.operationTypes, errors);
  if (errors.length > 0) return fail(mergeErrors(errors));
  const customer = uniqId || phone || email ? { uniqId, phone, email } : null;
  return ok({ customer, kinds, from, to, limit, afterId });
}

/** Codes (`accrual`) or the names the seed uses ("Accrual of bonuses"); none: every kind. */
function readOperationKinds(value: unknown, errors: FieldErrors): string[] {
  const all = Object.keys(OPERATION_KINDS);
  if (value === undefined || value === null) return all;
  const list = Array.isArray(value) ? value : [value];
  const kinds: string[] = [];
  for (const entry of list) {
    const kind = Object.entries(OPERATION_KINDS).find(([code, name]) => entry === code || (typeof entry === 'string' && entry.toLowerCase() === name.toLowerCase()))?.[0];
    if (kind) kinds.push(kind);
    else errors.push({ typeOfError: 'wrongParam', description: `operationTypes: ${JSON.stringify(entry)} is not one of ${all.join(', ')} (${Object.values(OPERATION_KINDS).join(', ')})` });
  }
  return kinds;
}

/** One Error object per item: the first problem's type, every problem's description. */
function mergeErrors(errors: FieldErrors): BonusError {
  return { typeOfError: errors[0]!.typeOfError, description: errors.map((e) => e.description).join('; ') };
}

function refuse(raw: unknown, login: string | null, guid: string | null, errors: FieldErrors): ItemVerdict {
  return { raw, queued: null, result: { login, guid, status: 'Failure', error: mergeErrors(errors) } };
}

const success = (login: string, guid: string | null): ItemVerdict['result'] => ({ login, guid, status: 'Success', error: null });

// Echoed in the answer and kept with the command's results: made storable (a refused value may hold a NUL or broken UTF-16).
function loginOf(value: unknown): string | null {
  if (typeof value === 'string') return toStorableText(value.trim()) || null;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : null;
}

const guidOf = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? toStorableText(value) : null);

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
