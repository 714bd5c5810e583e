import type { CanonicalEvent } from './canonical.ts';
import { copyLines, type CopyValue } from '../store/copy-text.ts';
import type { Queryable, Session } from '../store/db.ts';

/** All SQL over the `events` table: the append-only canonical event log. */

const LOG_COLUMNS = ['seq', 'workspace_id', 'event_id', 'source', 'routing_key', 'event_code', 'customer_key', 'message_id', 'occurred_at',
  'received_at', 'payload'] as const;

export interface AppendOptions {
  /**
   * The caller knows of no reason any of the events could be in the log
   * already: they are written without asking first. If one is, the write
   * fails (isAlreadyLogged) and takes the transaction with it; the caller
   * then applies the batch again without this option.
   */
  assumeNew?: boolean;
}

/**
 * Appends events; those whose id is already in the log are skipped. Returns
 * the sequence number of each event actually appended, by event id, in the
 * events' order.
 */
export async function appendEvents(tx: Session, workspaceId: string, events: readonly CanonicalEvent[], options: AppendOptions = {}): Promise<Map<string, number>> {
  if (events.length === 0) return new Map();
  const { logged, seqs } = await reserveLogSeqs(tx, workspaceId, options.assumeNew ? null : events.map((e) => e.eventId), events.length);
  const fresh = events.filter((e) => !logged.has(e.eventId));
  const seqById = new Map(fresh.map((e, i) => [e.eventId, seqs[i]!]));
  if (fresh.length > 0) {
    await tx.copyInto('events', LOG_COLUMNS, copyLines(fresh.map((e) => logRow(workspaceId, e, seqById.get(e.eventId)!))));
  }
  return seqById;
}

/** The log's unique index refused an event: the batch held one the log already has. */
export const isAlreadyLogged = (error: unknown): boolean => {
  const e = error as { code?: string; constraint?: string } | null;
  return e?.code === '23505' && e.constraint === 'events_workspace_id_event_id_key';
};

function logRow(workspaceId: string, e: CanonicalEvent, seq: number): CopyValue[] {
  return [seq, workspaceId, e.eventId, e.source, e.routingKey, e.eventCode, e.customer.key, e.messageId, e.occurredAt, e.receivedAt,
    e.payloadJson ?? JSON.stringify(e.payload)];
}

/**
 * Sequence numbers for new entries, ascending, from the log's own sequence:
 * taken before the write because COPY returns nothing, and unique across
 * every writer; numbers of events found in the log, or of a transaction that
 * rolls back, are never used. In the same round trip, when `ids` are given,
 * which of them the log already holds (one index lookup each: LIMIT 1 keeps
 * the planner from scanning the workspace's events when its statistics are
 * stale).
 */
async function reserveLogSeqs(tx: Queryable, workspaceId: string, ids: readonly string[] | null, count: number): Promise<{ logged: Set<string>; seqs: number[] }> {
  const result = await tx.query<{ logged: string[] | null; seqs: Array<string | number> }>(
    `SELECT (SELECT array_agg(e.event_id::text) FROM unnest($2::uuid[]) AS i(id)
               CROSS JOIN LATERAL (SELECT event_id FROM events WHERE workspace_id = $1 AND event_id = i.id LIMIT 1) AS e) AS logged,
            (SELECT array_agg(nextval('events_seq_seq')) FROM generate_series(1, $3)) AS seqs`,
    [workspaceId, ids ?? [], count],
  );
  const row = result.rows[0]!;
  return { logged: new Set(row.logged ?? []), seqs: row.seqs.map(Number).sort((a, b) => a - b) };
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

/**
 * When the profile's newest event in the log was received: the newest
 * addressed to any of these keys (a profile and those merged into it), or
 * naming one of them (a group event's members, event_subjects).
 */
export async function lastEventAtOf(db: Queryable, workspaceId: string, customerKeys: readonly string[]): Promise<string | null> {
  const result = await db.query<{ at: Date | string | null }>(
    `SELECT max(at) AS at FROM unnest($2::text[]) AS k(key),
            LATERAL ((SELECT received_at AS at FROM events WHERE workspace_id = $1 AND customer_key = k.key ORDER BY seq DESC LIMIT 1)
                     UNION ALL
                     (SELECT (SELECT received_at FROM events WHERE seq = s.event_seq)
                        FROM event_subjects s WHERE s.workspace_id = $1 AND s.customer_key = k.key ORDER BY s.event_seq DESC LIMIT 1)) AS e`,
    [workspaceId, customerKeys],
  );
  return isoOrNull(result.rows[0]?.at);
}

export function isoOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}
