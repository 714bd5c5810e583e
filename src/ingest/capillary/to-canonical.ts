import { isoInstant } from '../../events/iso-time.ts';
import type {
  CanonicalEvent,
  ChannelSubscription,
  CustomerRef,
  GroupMember,
  ProfileChange,
  ProfileField,
  ProfileFieldChange,
  ProfileFieldType,
} from '../../events/canonical.ts';
import { erasedPayload, withoutErasureMarker } from '../../events/erased-payload.ts';
import { deriveEventId, hashBody } from '../../events/identity.ts';
import { identifierKindOf } from '../../events/identifier-kinds.ts';
import { CAPILLARY_SOURCE, capillaryCustomer, identifiersOf } from './identifiers.ts';
import type { CapillaryEvent } from './parse.ts';
import type { CustomerData, Member } from './schemas.ts';

export interface CapillaryDelivery {
  workspaceId: string;
  receivedAt: string;
}

/**
 * Maps a parsed Capillary event to the one canonical event it stands for.
 * Its id derives from Capillary's eventId (the documented idempotency key),
 * so every retry of a delivery collides with the first in the log.
 */
export function capillaryToCanonical(event: CapillaryEvent, delivery: CapillaryDelivery): CanonicalEvent {
  const { customer, change, stream, payload } = describe(event);
  const { eventId, identityBasis } = deriveEventId(delivery.workspaceId, CAPILLARY_SOURCE, { naturalKey: `event:${event.envelope.eventId}`, messageId: null });
  return {
    eventId,
    identityBasis,
    redelivered: false,
    source: CAPILLARY_SOURCE,
    routingKey: null,
    eventCode: event.name,
    customer,
    streamKey: `${customer.key}|${stream}`,
    bodyHash: hashBody(JSON.stringify(event.raw)),
    messageId: event.envelope.eventId,
    occurredAt: timeOf(event.envelope.createdAt),
    receivedAt: delivery.receivedAt,
    payload,
    change,
  };
}

interface Description {
  customer: CustomerRef;
  change: ProfileChange;
  stream: string;
  payload: unknown;
}

function describe(event: CapillaryEvent): Description {
  switch (event.name) {
    case 'customerAdded':
    case 'customerUpdated': {
      const customer = capillaryCustomer(event.data.customerIdentifiers);
      if (isErasure(event.data)) return erasure(event, customer);
      const change: ProfileChange = {
        kind: 'profileDetailsChanged',
        fields: fieldsOf(event.data),
        fieldChanges: fieldChangesOf(event.data),
        identifiers: identifiersOf(event.data.customerIdentifiers),
      };
      return { customer, change, stream: 'profile', payload: withoutErasureMarker(event.raw) };
    }
    case 'customerSubscription': {
      const customer = capillaryCustomer(event.data.customerIdentifiers);
      const subscriptions: ChannelSubscription[] = event.data.subscriptions.map((s) => ({
        channel: s.channel.trim(),
        sourceAccountId: textOf(s.sourceAccountId),
        priority: textOf(s.priority),
        status: textOf(s.currentStatus),
        previousStatus: textOf(s.previousStatus),
        sourceName: textOf(s.sourceName),
        ouId: textOf(s.ouId),
        ouCode: textOf(s.ouCode),
      }));
      const change: ProfileChange = { kind: 'channelSubscriptionsChanged', subscriptions, identifiers: identifiersOf(event.data.customerIdentifiers) };
      return { customer, change, stream: 'subscriptions', payload: withoutErasureMarker(event.raw) };
    }
    case 'groupCreated':
    case 'groupUpdated': {
      const primary = memberOf(event.data.primaryMember, 'primary');
      const action = event.name === 'groupCreated' ? 'created' : 'updated';
      return groupEvent(event, primary, { kind: 'groupChanged', action, group: groupOf(event.data), members: [primary] });
    }
    case 'groupMemberAdded':
    case 'groupMemberRemoved': {
      const added = event.name === 'groupMemberAdded';
      const member = added ? memberOf(event.data.memberAdded, 'added') : memberOf(event.data.memberRemoved, 'removed');
      const members = withPrimary(event.data.primaryMember, member);
      return groupEvent(event, member, { kind: 'groupChanged', action: added ? 'memberAdded' : 'memberRemoved', group: groupOf(event.data), members });
    }
    case 'pointsContributionToGroup': {
      const data = event.data;
      const contributor = memberOf(data.contributingMember, 'contributor');
      const program = data.loyaltyProgramDetails ?? null;
      const change: ProfileChange = {
        kind: 'groupPointsContributed',
        group: groupOf(data),
        members: withPrimary(data.primaryMember, contributor),
        points: Number(data.pointsContributedToGroup),
        loyaltyProgramId: textOf(data.loyaltyProgramId) ?? textOf((program as { id?: unknown } | null)?.id),
        loyaltyProgram: program,
        activity: data.triggeringActivity ?? null,
      };
      return groupEvent(event, contributor, change);
    }
  }
}

function groupEvent(event: CapillaryEvent, addressee: GroupMember, change: ProfileChange & { group: { groupId: string } }): Description {
  return { customer: addressee.customer, change, stream: `group|${change.group.groupId}`, payload: withoutErasureMarker(event.raw) };
}

const groupOf = (data: { groupId: string | number; groupName?: string | null }) => ({ groupId: String(data.groupId).trim(), name: textOf(data.groupName) });

function memberOf(member: Member, position: GroupMember['position']): GroupMember {
  return { customer: capillaryCustomer(member.customerIdentifiers), role: textOf(member.role), position, identifiers: identifiersOf(member.customerIdentifiers) };
}

function withPrimary(primary: Member | null | undefined, member: GroupMember): GroupMember[] {
  if (!primary) return [member];
  const primaryMember = memberOf(primary, 'primary');
  // the same customer in both places is one member, with what the event says about it, and still the primary
  return primaryMember.customer.key === member.customer.key ? [{ ...member, alsoPrimary: true }] : [primaryMember, member];
}

// Seed 002, "PII deletion": the status moves from "Pending Deletion" to "Deleted".
const DELETED = /^\s*deleted\s*$/i;

function isErasure(data: CustomerData): boolean {
  const status = data.customerStatus;
  return Boolean(status && (DELETED.test(status.currentLabel ?? '') || DELETED.test(status.currentStatus ?? '')));
}

/** The deletion notice itself carries the personal data it deletes: only a summary of it is kept. */
function erasure(event: CapillaryEvent & { data: CustomerData }, customer: CustomerRef): Description {
  const status = event.data.customerStatus;
  const reason = textOf(status?.reason);
  return {
    customer,
    change: { kind: 'personalDataErased', reason },
    stream: 'erasure',
    payload: erasedPayload({
      eventName: event.name,
      eventId: event.envelope.eventId,
      orgId: event.envelope.orgId,
      customerId: customer.externalId,
      customerStatus: {
        previousLabel: textOf(status?.previousLabel),
        previousStatus: textOf(status?.previousStatus),
        currentLabel: textOf(status?.currentLabel),
        currentStatus: textOf(status?.currentStatus),
        reason,
      },
    }),
  };
}

// Identifier fields reported as changed live in the identifiers, not among the fields.
const IDENTIFIER_FIELDS = new Set(['phone', 'email', 'externalId', 'card', 'cardExternalId']);

function fieldsOf(data: CustomerData): ProfileField[] {
  const ids = data.customerIdentifiers;
  const fields: ProfileField[] = [];
  const add = (type: ProfileFieldType, name: string, value: unknown) => {
    const text = textOf(value);
    if (text !== null) fields.push({ type, name, value: text });
  };
  add('standard', 'firstName', data.firstName ?? ids.firstName);
  add('standard', 'lastName', data.lastName ?? ids.lastName);
  add('standard', 'loyaltyType', data.loyaltyType ?? ids.loyaltyType);
  add('standard', 'source', data.source);
  add('standard', 'accountId', data.accountId);
  const status = data.customerStatus;
  if (status) {
    add('standard', 'status', status.currentLabel ?? status.currentStatus);
    add('standard', 'statusCode', status.currentStatus);
    add('standard', 'statusReason', status.reason);
  }
  for (const { key, value } of data.customFields ?? []) add('custom', key.trim(), value);
  for (const { key, value } of data.extendedFields ?? []) add('extended', key.trim(), value);
  // What the source reports as changed is the newest value of that field,
  // a value it reports cleared (null or "") included.
  const reported = new Map<string, ProfileField>();
  for (const change of fieldChangesOf(data)) {
    if (change.name !== 'status') reported.set(`${change.type}\u0000${change.name}`, { type: change.type, name: change.name, value: change.currentValue });
  }
  return [...fields.filter((f) => !reported.has(`${f.type}\u0000${f.name}`)), ...reported.values()].filter((f) => f.name !== '');
}

function fieldChangesOf(data: CustomerData): ProfileFieldChange[] {
  const changes: ProfileFieldChange[] = [];
  for (const f of data.updatedFields ?? []) {
    const type = fieldTypeOf(f.fieldType);
    const name = f.fieldName.trim();
    if (name === '' || (type === 'standard' && IDENTIFIER_FIELDS.has(identifierKindOf(name)))) continue;
    changes.push({ type, name, previousValue: textOf(f.previousValue), currentValue: textOf(f.currentValue) });
  }
  const status = data.customerStatus;
  if (status && (status.currentLabel ?? status.currentStatus) != null) {
    changes.push({
      type: 'standard',
      name: 'status',
      previousValue: textOf(status.previousLabel ?? status.previousStatus),
      currentValue: textOf(status.currentLabel ?? status.currentStatus),
    });
  }
  // one change per field and event (the last report wins)
  return [...new Map(changes.map((c) => [`${c.type}\u0000${c.name}`, c])).values()];
}

function fieldTypeOf(fieldType: string | null | undefined): ProfileFieldType {
  if (fieldType && /custom/i.test(fieldType)) return 'custom';
  if (fieldType && /extended/i.test(fieldType)) return 'extended';
  return 'standard';
}

function textOf(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return null;
  return value.trim() === '' ? null : value;
}

/**
 * Capillary documents createdAt as milliseconds since the epoch, but some
 * examples carry seconds; a value below 1e11 (which as milliseconds would
 * be 1973) is read as seconds. Anything unreadable or outside years 1-9999
 * is no time at all (the arrival time orders such events).
 */
export function timeOf(value: number | string | null): string | null {
  let ms: number;
  if (typeof value === 'number') ms = Math.abs(value) < 1e11 ? value * 1000 : value;
  else if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return timeOf(Number(value));
  else if (typeof value === 'string') return isoInstant(value) ?? null;
  else return null;
  if (!Number.isFinite(ms)) return null;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  return Number.isNaN(year) || year < 1 || year > 9999 ? null : date.toISOString();
}
