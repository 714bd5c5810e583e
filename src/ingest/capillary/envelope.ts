import { fail, ok, type Result } from '../../result.ts';
import type { CapillaryReject } from './parse.ts';

/**
 * What every envelope form carries, once unwrapped. Seed 002 shows three:
 * - flat: `{ eventName, eventId, orgId, refId, createdAt, data }`;
 * - attributes: `{ eventId, eventType: "<orgId>_<name>", actionType,
 *   timeStamp, attributes: { eventName, createdAt, orgId, refId, data } }`;
 * - wrapped: `{ data: <flat or attributes form>, errors, warnings }`.
 */
export interface CapillaryEnvelope {
  form: 'flat' | 'attributes' | 'wrapped';
  eventName: string;
  eventId: string;
  orgId: string | null;
  refId: string | null;
  /** When Capillary stored the event, as sent (documented as ms since the epoch). */
  createdAt: number | string | null;
  data: Record<string, unknown>;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

// The "wrapped" form nests a whole event under data; guard against a body
// that nests on forever.
const MAX_WRAPPING = 3;

export function unwrapEnvelope(item: unknown): Result<CapillaryEnvelope, CapillaryReject> {
  let current = item;
  let wrapped = false;
  for (let depth = 0; depth <= MAX_WRAPPING; depth++) {
    if (!isObject(current)) return fail({ code: 'not_an_object', reason: 'an event must be a JSON object' });
    const attributes = current.attributes;
    if (isObject(attributes) && attributes.data !== undefined) {
      return build(wrapped ? 'wrapped' : 'attributes', {
        eventName: attributes.eventName ?? eventNameOfType(current.eventType),
        eventId: current.eventId ?? attributes.eventId,
        orgId: attributes.orgId ?? current.orgId,
        refId: attributes.refId ?? current.refId,
        createdAt: attributes.createdAt ?? current.timeStamp,
        data: attributes.data,
      });
    }
    if (current.eventName === undefined && current.eventType === undefined && isObject(current.data)) {
      current = current.data;
      wrapped = true;
      continue;
    }
    return build(wrapped ? 'wrapped' : 'flat', {
      eventName: current.eventName ?? eventNameOfType(current.eventType),
      eventId: current.eventId,
      orgId: current.orgId,
      refId: current.refId,
      createdAt: current.createdAt ?? current.timeStamp,
      data: current.data,
    });
  }
  return fail({ code: 'not_an_event', reason: `an event is wrapped in "data" more than ${MAX_WRAPPING} times` });
}

/** "150698_customerAdded" -> "customerAdded": the attributes form prefixes the org id. */
function eventNameOfType(eventType: unknown): unknown {
  return typeof eventType === 'string' ? eventType.replace(/^\d+_/, '') : eventType;
}

function build(form: CapillaryEnvelope['form'], fields: Record<keyof Omit<CapillaryEnvelope, 'form'>, unknown>): Result<CapillaryEnvelope, CapillaryReject> {
  const { eventName, eventId, data } = fields;
  if (typeof eventName !== 'string' || eventName.trim() === '') {
    return fail({ code: 'missing_event_name', reason: 'eventName (or eventType) is missing or not a string' });
  }
  if (!((typeof eventId === 'string' && eventId.trim() !== '' && eventId.length <= 200) || Number.isFinite(eventId))) {
    return fail({ code: 'missing_event_id', reason: 'eventId is missing, empty or longer than 200 characters; it is the idempotency key' });
  }
  if (!isObject(data)) return fail({ code: 'missing_data', reason: `${truncate(eventName)}: "data" is missing or not an object` });
  return ok({
    form,
    eventName: eventName.trim(),
    eventId: String(eventId),
    orgId: scalarText(fields.orgId),
    refId: scalarText(fields.refId),
    createdAt: typeof fields.createdAt === 'number' || typeof fields.createdAt === 'string' ? fields.createdAt : null,
    data,
  });
}

function scalarText(value: unknown): string | null {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

export function truncate(text: string, max = 100): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
