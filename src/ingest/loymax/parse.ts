import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { checkStorableJson, hasRiskyEscape, isStorableText } from '../../events/storable-json.ts';
import { fail, ok, type Result } from '../../result.ts';
import { parseLenientJson } from './lenient-json.ts';
import {
  isLoymaxRoutingKey,
  LOYMAX_EVENT_CODES,
  normaliseRoutingKey,
  routingKeyForEventCode,
  type LoymaxRoutingKey,
} from './routing-keys.ts';
import { LOYMAX_MODEL_CHECKERS, type LoymaxModels } from './schemas.ts';

export type LoymaxMessage = {
  [K in LoymaxRoutingKey]: {
    routingKey: K;
    eventCode: string;
    model: LoymaxModels[K];
    /** The body as sent, when it is plain JSON (null when it had to be repaired to be read). */
    json: string | null;
  };
}[LoymaxRoutingKey];

export type LoymaxRejectCode =
  | 'too_large'
  | 'invalid_utf8'
  | 'invalid_json'
  | 'not_an_object'
  | 'missing_event_code'
  | 'unknown_event_code'
  | 'event_code_mismatch'
  | 'invalid_model'
  | 'unstorable_text'
  | 'too_deep';

export interface LoymaxReject {
  code: LoymaxRejectCode;
  reason: string;
}

/**
 * Turns one message body into a typed Loymax model, or says precisely why it
 * cannot. The routing key decides the model; a message that reached us
 * without a contract key (published straight to the queue, or replayed) is
 * typed by its eventCode instead.
 */
export function parseLoymaxMessage(
  routingKey: string | null,
  body: Buffer | string,
  maxBytes = Number.POSITIVE_INFINITY,
): Result<LoymaxMessage, LoymaxReject> {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (size > maxBytes) return fail({ code: 'too_large', reason: `body of ${size} bytes exceeds the limit of ${maxBytes} bytes` });

  const text = typeof body === 'string' ? body : utf8Of(body);
  if (text === null) return fail({ code: 'invalid_utf8', reason: 'body is not UTF-8 text (the contract is JSON in UTF-8); stored as is, its letters would become replacement characters' });
  const json = parseLenientJson(text);
  if (!json.ok) return fail({ code: 'invalid_json', reason: `body is not JSON: ${json.error}` });
  const value = json.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail({ code: 'not_an_object', reason: 'body must be a JSON object' });
  }

  const eventCode = (value as { eventCode?: unknown }).eventCode;
  if (typeof eventCode !== 'string' || eventCode === '') {
    return fail({ code: 'missing_event_code', reason: 'eventCode is missing or not a string' });
  }

  const normalisedKey = routingKey === null ? null : normaliseRoutingKey(routingKey);
  const key = normalisedKey !== null && isLoymaxRoutingKey(normalisedKey) ? normalisedKey : routingKeyForEventCode(eventCode);
  if (key === undefined) {
    return fail({ code: 'unknown_event_code', reason: `unknown eventCode "${truncate(eventCode)}"` });
  }
  if (!LOYMAX_EVENT_CODES[key].includes(eventCode)) {
    const known = routingKeyForEventCode(eventCode);
    return known
      ? fail({ code: 'event_code_mismatch', reason: `eventCode "${eventCode}" belongs to routing key ${known}, not ${key}` })
      : fail({ code: 'unknown_event_code', reason: `unknown eventCode "${truncate(eventCode)}" for routing key ${key}` });
  }

  const checker = LOYMAX_MODEL_CHECKERS[key];
  if (!checker.Check(value)) return fail({ code: 'invalid_model', reason: `${key} model: ${describeFirstError(checker.Errors(value).First())}` });
  // Checked last: the model is valid, only the store could not keep it.
  // The text is kept as sent, and answers for the value's storability, unless
  // it holds a NUL or surrogate escape (a key given twice could hide one the
  // value dropped), or came as a string (not bytes decoded strictly) holding
  // a raw lone surrogate; then the value is walked and stored re-serialised.
  const sent = json.json !== null && !hasRiskyEscape(json.json) && (typeof body !== 'string' || isStorableText(json.json)) ? json.json : null;
  const storable = checkStorableJson(sent, value);
  if (!storable.ok) return fail(storable.error);
  return ok({ routingKey: key, eventCode, model: value, json: sent } as LoymaxMessage);
}

/**
 * "path: what is wrong". A nullable field is a union of its type and null,
 * for which TypeBox says only "Expected union value": the first of the
 * union's own errors that is not about null says what it should be.
 */
function describeFirstError(error: ValueError | undefined): string {
  if (!error) return '/: does not match';
  const specific = error.errors.flatMap((alternative) => [...alternative]).find((e) => e.type !== ValueErrorType.Null);
  const message = error.type === ValueErrorType.Union && specific ? `${specific.message} (or null)` : error.message;
  return `${error.path || '/'}: ${message}`;
}

function truncate(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function utf8Of(body: Buffer): string | null {
  try {
    return strictUtf8.decode(body);
  } catch {
    return null;
  }
}
