import { withoutPayload, type CanonicalEvent, type CustomerRef, type GroupMember, type ProfileChange } from '../events/canonical.ts';
import { refFromKey } from './reduce-segment.ts';

/**
 * A canonical event kept outside the log (a projection failure waiting for
 * a retry) minus the personal data of erased customers. What stays is what
 * the projection would still write for them after their erasure (group
 * membership, points, the bare key), so a retry loses nothing it would have
 * kept and writes back nothing the erasure took (clearSourceIds).
 */

/** Every profile key the event names: its addressee, the members of a group event, a merge target. */
export function keysNamedBy(event: CanonicalEvent): string[] {
  const change = event.change;
  const keys = [event.customer.key];
  // A malformed event (an adapter bug) must not keep its failure from being recorded.
  if ((change.kind === 'groupChanged' || change.kind === 'groupPointsContributed') && Array.isArray(change.members)) {
    keys.push(...change.members.map((m) => m.customer.key));
  }
  if (change.kind === 'profilesMerged') keys.push(change.into.key);
  return [...new Set(keys)];
}

export function withoutErasedPersonalData(event: CanonicalEvent, erased: ReadonlySet<string>): CanonicalEvent {
  const addresseeErased = erased.has(event.customer.key);
  const change = redactChange(event.change, addresseeErased, erased);
  const customer = addresseeErased ? bareRef(event.customer) : event.customer;
  // The log's payload is the sender's body: never kept beside an erased customer's event.
  return { ...withoutPayload(event), customer, change };
}

/**
 * What stays of a failed event that could not be redacted (malformed: what
 * it says and whom it names cannot be read): the failure's seq leads to it in
 * the log, and its key and code tell an operator whose and what it was.
 * Kept whole it could hold an erased customer's data; not recorded, it would
 * hold back its workspace's projection for ever. A retry fails on it again
 * (it has no change), so it stays in sight.
 */
export interface FailedEventStub {
  eventCode: string;
  customer: { key: string };
  notRedactable: true;
}

export function failedEventStub(customerKey: string, event: unknown): FailedEventStub {
  const code = (event as { eventCode?: unknown } | null)?.eventCode;
  return { eventCode: typeof code === 'string' ? code : 'unknown', customer: { key: customerKey }, notRedactable: true };
}

/** withoutErasedPersonalData, or the stub when the event is too malformed to redact. */
export function redactedOrStub(customerKey: string, event: CanonicalEvent, erased: ReadonlySet<string>): CanonicalEvent | FailedEventStub {
  try {
    return withoutErasedPersonalData(event, erased);
  } catch {
    return failedEventStub(customerKey, event);
  }
}

/**
 * PostgreSQL quotes the value it could not take (`invalid input syntax for
 * type integer: "..."`), and that value can be personal. It does not escape
 * quotes inside the value, so everything from the first quote to the last
 * goes, not each quoted part.
 */
export function withoutQuotedValues(message: string): string {
  return message.replace(/"[\s\S]*"/, '"…"');
}

const bareRef = (ref: CustomerRef): CustomerRef => refFromKey(ref.key);

function redactChange(change: ProfileChange, addresseeErased: boolean, erased: ReadonlySet<string>): ProfileChange {
  const member = (m: GroupMember): GroupMember => (erased.has(m.customer.key) ? { ...m, customer: bareRef(m.customer), identifiers: [] } : m);
  switch (change.kind) {
    case 'groupChanged':
      return { ...change, members: change.members.map(member) };
    case 'groupPointsContributed': {
      const contributor = change.members.find((m) => m.position === 'contributor') ?? change.members[change.members.length - 1];
      const activity = contributor && erased.has(contributor.customer.key) ? null : change.activity;
      return { ...change, members: change.members.map(member), activity };
    }
    case 'profilesMerged':
      if (erased.has(change.into.key)) return { ...change, into: bareRef(change.into) };
      break;
    default:
      break;
  }
  if (!addresseeErased) return change;
  switch (change.kind) {
    case 'profileDetailsChanged':
      return { ...change, fields: [], fieldChanges: [], identifiers: [] };
    case 'channelSubscriptionsChanged':
      return { ...change, subscriptions: [], identifiers: [] };
    case 'customerEventRecorded':
      return { ...change, attributes: {} };
    case 'attributeChanged':
      return { ...change, oldValue: null, newValue: null };
    default:
      return change;
  }
}
