import { createHash, randomUUID } from 'node:crypto';
import type { IdentityBasis } from './canonical.ts';
import { hasLoneSurrogate } from './storable-json.ts';

// Fixed namespace for smartcom event ids; each workspace derives its own from it.
const SMARTCOM_NAMESPACE = '0b6f4a52-3c1e-5d2a-9f0e-6a8d2c7e4b10';
const workspaceNamespaces = new Map<string, Buffer>();

function workspaceNamespace(workspaceId: string): Buffer {
  let ns = workspaceNamespaces.get(workspaceId);
  if (!ns) {
    ns = uuidBytes(uuidV5(`workspace:${workspaceId}`, uuidBytes(SMARTCOM_NAMESPACE)));
    workspaceNamespaces.set(workspaceId, ns);
  }
  return ns;
}

/**
 * RFC 4122 version 5 (SHA-1, name-based) UUID, as the uuid package's v5
 * computes it (the ids already in logs must not change), hashed by node's
 * crypto directly: the package turns the name into bytes one character at a
 * time, a few per cent of the whole ingest's CPU.
 */
export function uuidV5(name: string, namespace: Buffer): string {
  // The package refuses a name that is not well-formed UTF-16 (its encoder throws); so does this.
  if (hasLoneSurrogate(name)) throw new URIError('URI malformed');
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const uuidBytes = (uuid: string): Buffer => Buffer.from(uuid.replaceAll('-', ''), 'hex');

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
    return { eventId: uuidV5(`${source}:natural:${identity.naturalKey}`, workspaceNamespace(workspaceId)), identityBasis: 'natural' };
  }
  if (identity.messageId !== null && identity.messageId !== '') {
    return { eventId: uuidV5(`${source}:message:${identity.messageId}`, workspaceNamespace(workspaceId)), identityBasis: 'message' };
  }
  return { eventId: randomUUID(), identityBasis: 'none' };
}

export function hashBody(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 27);
}
