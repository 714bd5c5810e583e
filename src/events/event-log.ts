import type { CanonicalEvent } from './canonical.ts';
import type { Queryable } from '../store/db.ts';

/** All SQL over the `events` table: the append-only canonical event log. */

/**
 * Appends events; those whose id is already in the log are skipped. Returns
 * the sequence number of each event actually appended, by event id.
 */
export async function appendEvents(tx: Queryable, workspaceId: string, events: readonly CanonicalEvent[]): Promise<Map<string, number>> {
  if (events.length === 0) return new Map();
  const rows = events.map((e) => ({
    event_id: e.eventId,
    source: e.source,
    routing_key: e.routingKey,
    event_code: e.eventCode,
    customer_key: e.customer.key,
    stream_key: e.streamKey,
    body_hash: e.bodyHash,
    message_id: e.messageId,
    occurred_at: e.occurredAt,
    received_at: e.receivedAt,
    payload: e.payload,
  }));
  const result = await tx.query<{ event_id: string; seq: number }>(
    `INSERT INTO events (workspace_id, event_id, source, routing_key, event_code, customer_key, stream_key, body_hash,
                         message_id, occurred_at, received_at, payload)
     SELECT $1, r.event_id, r.source, r.routing_key, r.event_code, r.customer_key, r.stream_key, r.body_hash,
            r.message_id, r.occurred_at, r.received_at, r.payload
       FROM json_to_recordset($2::json) AS r(event_id uuid, source text, routing_key text, event_code text,
            customer_key text, stream_key text, body_hash text, message_id text, occurred_at timestamptz,
            received_at timestamptz, payload json)
     ON CONFLICT (workspace_id, event_id) DO NOTHING
     RETURNING event_id, seq`,
    [workspaceId, JSON.stringify(rows)],
  );
  return new Map(result.rows.map((r) => [r.event_id, Number(r.seq)]));
}

export interface LoggedEvent {
  seq: number;
  eventId: string;
  source: string;
  routingKey: string | null;
  eventCode: string;
  customerKey: string;
  messageId: string | null;
  occurredAt: string | null;
  receivedAt: string;
  payload: unknown;
}

/** A page of events addressed to any of the given customer keys, newest first. */
export async function listEventsOfCustomers(
  db: Queryable,
  workspaceId: string,
  customerKeys: readonly string[],
  page: { limit: number; beforeSeq?: number | undefined },
): Promise<LoggedEvent[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT seq, event_id, source, routing_key, event_code, customer_key, message_id, occurred_at, received_at, payload
       FROM events
      WHERE workspace_id = $1 AND customer_key IN (SELECT json_array_elements_text($2::json))
        AND ($3::bigint IS NULL OR seq < $3::bigint)
      ORDER BY seq DESC
      LIMIT $4`,
    [workspaceId, JSON.stringify(customerKeys), page.beforeSeq ?? null, page.limit],
  );
  return result.rows.map((r) => ({
    seq: Number(r.seq),
    eventId: String(r.event_id),
    source: String(r.source),
    routingKey: (r.routing_key as string | null) ?? null,
    eventCode: String(r.event_code),
    customerKey: String(r.customer_key),
    messageId: (r.message_id as string | null) ?? null,
    occurredAt: isoOrNull(r.occurred_at),
    receivedAt: isoOrNull(r.received_at) ?? '',
    payload: r.payload,
  }));
}

export function isoOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}
