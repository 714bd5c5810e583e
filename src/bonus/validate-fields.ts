import { isoInstant } from '../events/iso-time.ts';
import { isStorableText } from '../events/storable-json.ts';
import type { BonusError } from './command-types.ts';

/**
 * Format checks of single fields (seed 1.1.3). Each reader takes the item, the
 * field name and the list its problems go to, and returns the normalised value
 * or null (absent, or wrong: then an error was added). Pure.
 */

export type Fields = Record<string, unknown>;
export type FieldErrors = BonusError[];

/** `+`, the country code and the number: 11 to 15 digits (E.164), nothing else. */
const PHONE = /^\+\d{11,15}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// The usual addr-spec: a dot-atom local part and a domain of LDH labels with a dot.
const EMAIL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

export const MAX_DECIMAL = 999_999_999.9999;
export const DECIMAL_FRACTION_DIGITS = 4;

export const notValid = (name: string, problem: string): BonusError => ({ typeOfError: 'dataNotValid', description: `${name} ${problem}` });
const missing = (name: string): BonusError => ({ typeOfError: 'requiredParameterMissing', description: `${name} is required` });

const isBlank = (value: unknown): boolean => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

function typeName(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** A string (trimmed); null and "" mean "not passed". `number: true` also takes an integer (ids sent as numbers). */
export function readText(fields: Fields, name: string, errors: FieldErrors, options: { max: number; required?: boolean; number?: boolean }): string | null {
  const value = fields[name];
  if (isBlank(value)) {
    if (options.required) errors.push(missing(name));
    return null;
  }
  if (options.number && typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== 'string') {
    errors.push(notValid(name, `must be a string, not ${typeName(value)}`));
    return null;
  }
  const text = value.trim();
  // PostgreSQL text cannot hold NUL or an unpaired surrogate: refuse them
  // here, per item, rather than accept the item and fail its whole command
  // in the background.
  if (!isStorableText(text)) {
    errors.push(notValid(name, text.includes('\u0000') ? 'contains a NUL character' : 'contains an unpaired UTF-16 surrogate (broken text)'));
    return null;
  }
  if (text.length > options.max) {
    errors.push(notValid(name, `is longer than ${options.max} characters`));
    return null;
  }
  return text;
}

export function readGuid(fields: Fields, name: string, errors: FieldErrors, required: boolean): string | null {
  const text = readText(fields, name, errors, { max: 36, required });
  if (text === null) return null;
  if (!GUID.test(text)) {
    errors.push(notValid(name, `must be a GUID such as 9803d32e-8fcd-4984-a736-9f02f726b3c0, not "${text}"`));
    return null;
  }
  return text.toLowerCase();
}

export function readEmail(fields: Fields, name: string, errors: FieldErrors): string | null {
  const text = readText(fields, name, errors, { max: 254 });
  if (text === null) return null;
  if (!EMAIL.test(text) || text.indexOf('@') > 64) {
    errors.push(notValid(name, `"${text}" is not an e-mail address (name@domain.tld)`));
    return null;
  }
  return text;
}

export function readPhone(fields: Fields, name: string, errors: FieldErrors): string | null {
  const text = readText(fields, name, errors, { max: 32, number: false });
  if (text === null) return null;
  if (!PHONE.test(text)) {
    errors.push(notValid(name, `"${text}" is not a phone number in international format: "+", the country code and the number, 11 to 15 digits (e.g. +79257443549)`));
    return null;
  }
  return text;
}

/**
 * A decimal: a JSON number or a numeric string, >= 0, at most 4 fraction
 * digits. `undefined` when the field is not in the item; an empty value
 * (null, "") is an error, since the seed says empty decimals must be passed as 0.
 * Returns canonical text ("200.00" -> "200").
 */
export function readDecimal(fields: Fields, name: string, errors: FieldErrors): string | null | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (isBlank(value)) {
    errors.push(notValid(name, 'is empty: an empty decimal must be passed as 0'));
    return null;
  }
  if (typeof value !== 'number' && typeof value !== 'string') {
    errors.push(notValid(name, `must be a decimal number, not ${typeName(value)}`));
    return null;
  }
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) {
    errors.push(notValid(name, `must be a decimal number >= 0 such as 200.00, not ${JSON.stringify(value)}`));
    return null;
  }
  const whole = match[1]!.replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > DECIMAL_FRACTION_DIGITS) {
    errors.push(notValid(name, `has more than ${DECIMAL_FRACTION_DIGITS} digits after the point`));
    return null;
  }
  const canonical = fraction ? `${whole}.${fraction}` : whole;
  if (Number(canonical) > MAX_DECIMAL) {
    errors.push(notValid(name, `is larger than ${MAX_DECIMAL}`));
    return null;
  }
  return canonical;
}

/** An integer in [min, max]; null when not passed. */
export function readInteger(fields: Fields, name: string, errors: FieldErrors, min: number, max: number): number | null {
  const value = fields[name];
  if (isBlank(value)) return null;
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    errors.push(notValid(name, `must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`));
    return null;
  }
  return number;
}

/** A value from a fixed list (seed 1.1.3, "enumerated types"); null when not passed. */
export function readEnum(fields: Fields, name: string, errors: FieldErrors, allowed: readonly string[]): string | null {
  const value = fields[name];
  if (isBlank(value)) return null;
  if (typeof value !== 'string' || !allowed.includes(value.trim())) {
    errors.push({ typeOfError: 'wrongParam', description: `${name} must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}` });
    return null;
  }
  return value.trim();
}

/** An ISO 8601 date-time; returned in UTC. */
export function readDateTime(fields: Fields, name: string, errors: FieldErrors): string | null {
  const text = readText(fields, name, errors, { max: 40 });
  if (text === null) return null;
  const iso = parseDateTime(text);
  if (iso === null) errors.push(notValid(name, `"${text}" is not an ISO 8601 date-time such as 2019-10-23T18:25:43.511Z or 2015-01-01T00:00:00+03 (offsets up to ±14:00, years 1 to 9999 in UTC)`));
  return iso;
}

/**
 * ISO 8601 as the seed writes it: `Z`, `+03`, `+0300` or `+03:00` offsets
 * (none means UTC), optional seconds and fraction, or a bare date. Stricter
 * than isoInstant in two ways the seed asks for (an offset only after a time,
 * at most ±14:00); the calendar and the year bounds are isoInstant's.
 */
export function parseDateTime(text: string): string | null {
  const m = DATE_TIME.exec(text);
  if (!m || offsetMinutes(m[8]) === null) return null;
  // PostgreSQL's timestamptz (and ISO text) end at year 9999: isoInstant
  // refuses a time that crosses it in UTC, which would pass here and fail its
  // whole command later.
  return isoInstant(text) ?? null;
}

/** Minutes east of UTC; null for an offset no zone has (beyond ±14:00, or 60 minutes and more). */
function offsetMinutes(offset: string | undefined): number | null {
  if (!offset || offset.toUpperCase() === 'Z') return 0;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || 0);
  if (minutes >= 60 || hours * 60 + minutes > 14 * 60) return null;
  return (offset.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}
