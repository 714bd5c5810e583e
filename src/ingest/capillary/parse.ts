import { fail, ok, type Result } from '../../result.ts';
import { checkStorable } from '../../events/storable-json.ts';
import { truncate, unwrapEnvelope, type CapillaryEnvelope } from './envelope.ts';
import {
  CAPILLARY_DATA_CHECKERS,
  CAPILLARY_EVENT_NAMES,
  channelAccountsChecker,
  isCapillaryEventName,
  type CapillaryData,
  type CapillaryEventName,
} from './schemas.ts';

export type CapillaryEvent = {
  [N in CapillaryEventName]: { name: N; envelope: CapillaryEnvelope; data: CapillaryData[N]; raw: unknown };
}[CapillaryEventName];

export type CapillaryRejectCode =
  | 'empty_body'
  | 'invalid_json'
  | 'empty_batch'
  | 'too_many_events'
  | 'not_an_object'
  | 'not_an_event'
  | 'unstorable_text'
  | 'too_deep'
  | 'missing_event_name'
  | 'missing_event_id'
  | 'missing_data'
  | 'unknown_event'
  | 'invalid_event';

export interface CapillaryReject {
  code: CapillaryRejectCode;
  reason: string;
}

export const MAX_EVENTS_PER_REQUEST = 1000;
/** Deeper JSON is refused: PostgreSQL's jsonb and the recursion that checks it both have limits. */
const MAX_CHANNEL_NAME = 64;

/**
 * Splits a webhook body into its events: one event, a JSON array of events,
 * or `{ "events": [...] }`. The body as a whole fails only when it is not
 * JSON or holds no events; each event is then checked on its own, so one bad
 * event in a batch does not hold back the others.
 */
export function parseCapillaryBody(body: Buffer | string | undefined): Result<Array<Result<CapillaryEvent, CapillaryReject>>, CapillaryReject> {
  const text = body === undefined ? '' : typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') return fail({ code: 'empty_body', reason: 'the body is empty; send one event, or a JSON array of events' });
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return fail({ code: 'invalid_json', reason: `the body is not JSON: ${(error as Error).message}` });
  }
  const items = Array.isArray(value) ? value : isEventList(value) ? value.events : [value];
  if (items.length === 0) return fail({ code: 'empty_batch', reason: 'the batch holds no events' });
  if (items.length > MAX_EVENTS_PER_REQUEST) {
    return fail({ code: 'too_many_events', reason: `a request may carry at most ${MAX_EVENTS_PER_REQUEST} events, this one has ${items.length}` });
  }
  return ok(items.map(parseCapillaryEvent));
}

function isEventList(value: unknown): value is { events: unknown[] } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { events?: unknown }).events);
}

/** One event in any envelope form -> a typed event, or precisely why not. */
export function parseCapillaryEvent(item: unknown): Result<CapillaryEvent, CapillaryReject> {
  const storable = checkStorable(item);
  if (!storable.ok) return storable;
  const envelope = unwrapEnvelope(item);
  if (!envelope.ok) return envelope;
  const { eventName, data } = envelope.value;
  if (!isCapillaryEventName(eventName)) {
    return fail({ code: 'unknown_event', reason: `unknown eventName "${truncate(eventName)}"; known: ${CAPILLARY_EVENT_NAMES.join(', ')}` });
  }
  const checker = CAPILLARY_DATA_CHECKERS[eventName];
  if (!checker.Check(data)) {
    const first = checker.Errors(data).First();
    return fail({ code: 'invalid_event', reason: `${eventName} data${first?.path || '/'}: ${first?.message ?? 'does not match'}` });
  }
  const channels = checkChannels(eventName, data);
  if (!channels.ok) return channels;
  const exact = checkExactNumbers(eventName, data);
  if (!exact.ok) return exact;
  return ok({ name: eventName, envelope: envelope.value, data, raw: item } as CapillaryEvent);
}

/**
 * Channel accounts sit under keys we do not list (a new channel must not be
 * refused), so the schema cannot check them; every object with `accounts`
 * under a customerIdentifiers is checked here instead.
 */
function checkChannels(eventName: string, data: Record<string, unknown>): Result<true, CapillaryReject> {
  for (const [path, identifiers] of identifierBlocks(data)) {
    for (const [channel, value] of Object.entries(identifiers)) {
      if (typeof value !== 'object' || value === null || !('accounts' in value) || channel === 'instore') continue;
      if (channel.length > MAX_CHANNEL_NAME) {
        return fail({ code: 'invalid_event', reason: `${eventName} data${path}: channel name "${truncate(channel)}" is longer than ${MAX_CHANNEL_NAME} characters` });
      }
      if (!channelAccountsChecker.Check(value)) {
        const first = channelAccountsChecker.Errors(value).First();
        return fail({ code: 'invalid_event', reason: `${eventName} data${path}/${channel}${first?.path ?? ''}: ${first?.message ?? 'does not match'}` });
      }
    }
  }
  return ok(true);
}

/**
 * The documentation types mobile numbers, card numbers and customer ids as
 * integers; one beyond 2^53 has already lost digits when JSON.parse read it
 * (6274518800012345678 reads as 6274518800012345000), and a card number with
 * other digits could link the wrong person. Refused, with the path, rather
 * than stored changed.
 */
function checkExactNumbers(eventName: string, data: Record<string, unknown>): Result<true, CapillaryReject> {
  for (const [path, identifiers] of identifierBlocks(data)) {
    const stack: Array<[string, unknown]> = [[path, identifiers]];
    while (stack.length > 0) {
      const [at, value] = stack.pop()!;
      if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
        return fail({ code: 'invalid_event', reason: `${eventName} data${at}: ${value} is too large to be read exactly as a JSON number (digits are lost beyond 2^53); send it as a string` });
      }
      if (typeof value === 'object' && value !== null) for (const [key, inner] of Object.entries(value)) stack.push([`${at}/${key}`, inner]);
    }
  }
  return ok(true);
}

function* identifierBlocks(data: Record<string, unknown>): Generator<[string, Record<string, unknown>]> {
  const block = (holder: unknown) => (holder as { customerIdentifiers?: Record<string, unknown> } | null | undefined)?.customerIdentifiers;
  const own = block(data);
  if (own) yield ['/customerIdentifiers', own];
  for (const member of ['primaryMember', 'memberAdded', 'memberRemoved', 'contributingMember']) {
    const found = block(data[member]);
    if (found) yield [`/${member}/customerIdentifiers`, found];
  }
}
