import type { CanonicalEvent } from '../../events/canonical.ts';
import { bareCustomerRef } from '../../events/customer-ref.ts';
import { deriveEventId, hashBody } from '../../events/identity.ts';

/**
 * smartcom's own users are a source too: what an operator decides about
 * profiles goes through the event log and the one writer like any other
 * event. Each decision is a new event (random id): undoing a link twice is
 * harmless.
 */
export const OPERATOR_SOURCE = 'smartcom';

/** "These two linked profiles are not the same person." */
export function identityLinkUndoneEvent(workspaceId: string, customerKey: string, otherKey: string, receivedAt: string): CanonicalEvent {
  const payload = { action: 'undoIdentityLink', customerId: customerKey, otherCustomerId: otherKey };
  const colon = customerKey.indexOf(':');
  const { eventId, identityBasis } = deriveEventId(workspaceId, OPERATOR_SOURCE, { naturalKey: null, messageId: null });
  return {
    eventId,
    identityBasis,
    redelivered: false,
    source: OPERATOR_SOURCE,
    routingKey: null,
    eventCode: 'identityLinkUndone',
    customer: bareCustomerRef(customerKey.slice(0, colon), customerKey.slice(colon + 1)),
    streamKey: `${customerKey}|links`,
    bodyHash: hashBody(JSON.stringify(payload)),
    messageId: null,
    occurredAt: receivedAt,
    receivedAt,
    payload,
    change: { kind: 'identityLinkUndone', otherKey },
  };
}
