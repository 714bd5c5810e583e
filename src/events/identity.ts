import { createHash, randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import type { IdentityBasis } from './canonical.ts';

// Fixed namespace for smartcom event ids; each workspace derives its own from it.
const SMARTCOM_NAMESPACE = '0b6f4a52-3c1e-5d2a-9f0e-6a8d2c7e4b10';
const workspaceNamespaces = new Map<string, string>();

function workspaceNamespace(workspaceId: string): string {
  let ns = workspaceNamespaces.get(workspaceId);
  if (!ns) {
    ns = uuidv5(`workspace:${workspaceId}`, SMARTCOM_NAMESPACE);
    workspaceNamespaces.set(workspaceId, ns);
  }
  return ns;
}

/**
 * The event id: deterministic when the event has an identity of its own, so a
 * second copy collides with the first in the log's unique index; random when
 * it has none (the apply step then tells a redelivery by its stream).
 */
export function deriveEventId(
  workspaceId: string,
  source: string,
  identity: { naturalKey: string | null; messageId: string | null },
): { eventId: string; identityBasis: IdentityBasis } {
  if (identity.naturalKey !== null) {
    return { eventId: uuidv5(`${source}:natural:${identity.naturalKey}`, workspaceNamespace(workspaceId)), identityBasis: 'natural' };
  }
  if (identity.messageId !== null && identity.messageId !== '') {
    return { eventId: uuidv5(`${source}:message:${identity.messageId}`, workspaceNamespace(workspaceId)), identityBasis: 'message' };
  }
  return { eventId: randomUUID(), identityBasis: 'none' };
}

export function hashBody(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 27);
}
