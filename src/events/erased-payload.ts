/**
 * What stays in the event log of an event whose customer's personal data was
 * erased: a marker and a non-identifying summary (event name, ids, status),
 * never the original payload. The apply step skips payloads already marked.
 */
export const ERASED_PAYLOAD_KEY = 'piiErased';

export function erasedPayload(summary: Record<string, unknown> = {}): Record<string, unknown> {
  return { [ERASED_PAYLOAD_KEY]: true, ...summary };
}
