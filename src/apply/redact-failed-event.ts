import type { CanonicalEvent, GroupMember, ProfileChange } from '../events/canonical.ts';

/**
 * A canonical event kept outside the log (a projection failure waiting for
 * a retry) minus the personal data of erased customers. What stays is what
 * the projection would still write for them after their erasure (group
 * membership, points), so a retry loses nothing it would have kept.
 */

/** Every profile key the event names: its addressee, the members of a group event, a merge target. */
export function keysNamedBy(event: CanonicalEvent): string[] {
  const change = event.change;
  const keys = [event.customer.key];
  if (change.kind === 'groupChanged' || change.kind === 'groupPointsContributed') keys.push(...change.members.map((m) => m.customer.key));
  if (change.kind === 'profilesMerged') keys.push(change.into.key);
  return [...new Set(keys)];
}

export function withoutErasedPersonalData(event: CanonicalEvent, erased: ReadonlySet<string>): CanonicalEvent {
  const change = redactChange(event.change, erased.has(event.customer.key), erased);
  // The log's payload is the sender's body: never kept beside an erased customer's event.
  return { ...event, payload: null, change };
}

function redactChange(change: ProfileChange, addresseeErased: boolean, erased: ReadonlySet<string>): ProfileChange {
  const member = (m: GroupMember): GroupMember => (erased.has(m.customer.key) ? { ...m, identifiers: [] } : m);
  switch (change.kind) {
    case 'groupChanged':
      return { ...change, members: change.members.map(member) };
    case 'groupPointsContributed': {
      const contributor = change.members.find((m) => m.position === 'contributor') ?? change.members[change.members.length - 1];
      const activity = contributor && erased.has(contributor.customer.key) ? null : change.activity;
      return { ...change, members: change.members.map(member), activity };
    }
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
