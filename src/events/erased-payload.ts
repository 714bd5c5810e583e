/**
 * What stays in the event log of an event whose customer's personal data was
 * erased: a marker and a non-identifying summary (event name, ids, status),
 * never the original payload. The apply step skips payloads already marked.
 */
export const ERASED_PAYLOAD_KEY = 'piiErased';

export function erasedPayload(summary: Record<string, unknown> = {}): Record<string, unknown> {
  return { [ERASED_PAYLOAD_KEY]: true, ...summary };
}

/**
 * A payload as a sender sent it, minus a top-level marker key: the marker
 * says "already erased" to the erasure step, so a sender must not be able to
 * set it and keep personal data out of reach.
 */
export function withoutErasureMarker(payload: unknown): unknown {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload) || !(ERASED_PAYLOAD_KEY in payload)) return payload;
  const { [ERASED_PAYLOAD_KEY]: _marker, ...rest } = payload as Record<string, unknown>;
  return rest;
}
