import { withoutPayload, type CanonicalEvent } from '../events/canonical.ts';
import { copyLines } from '../store/copy-text.ts';
import type { Queryable, Session } from '../store/db.ts';

/** All SQL over `projection_queue` and `projection_failures` (see their migration). */

export interface QueuedEvent {
  seq: number;
  event: CanonicalEvent;
}

/** Queues appended events for projection; the payload stays in the log only. */
export async function enqueueForProjection(tx: Session, workspaceId: string, queued: readonly QueuedEvent[]): Promise<void> {
  if (queued.length === 0) return;
  // Sequence numbers just appended to the log: no row can be there yet.
  await tx.copyInto('projection_queue', ['workspace_id', 'event_seq', 'event'], copyLines(queued.map(({ seq, event }) => [workspaceId, seq, JSON.stringify(withoutPayload(event))])));
}

/** The oldest queued events of a workspace, in log order. */
export async function readQueued(tx: Queryable, workspaceId: string, limit: number): Promise<QueuedEvent[]> {
  const result = await tx.query<{ event_seq: number; event: CanonicalEvent }>(
    'SELECT event_seq, event FROM projection_queue WHERE workspace_id = $1 ORDER BY event_seq LIMIT $2',
    [workspaceId, limit],
  );
  return result.rows.map((r) => ({ seq: Number(r.event_seq), event: r.event }));
}

export async function removeQueued(tx: Queryable, workspaceId: string, seqs: readonly number[]): Promise<void> {
  if (seqs.length === 0) return;
  await tx.query(
    'DELETE FROM projection_queue WHERE workspace_id = $1 AND event_seq = ANY($2::bigint[])',
    [workspaceId, seqs],
  );
}

/** Workspaces with events waiting (left by a process that stopped, or by another process). */
export async function workspacesWithQueuedEvents(db: Queryable): Promise<string[]> {
  const result = await db.query<{ workspace_id: string }>('SELECT DISTINCT workspace_id FROM projection_queue');
  return result.rows.map((r) => r.workspace_id);
}

/** Per workspace with any: events waiting in the queue, and events that failed. */
export async function projectionStatus(db: Queryable): Promise<{ workspaceId: string; waiting: number; failed: number }[]> {
  const result = await db.query<{ workspace_id: string; waiting: number; failed: number }>(
    `SELECT workspace_id, sum(waiting)::int AS waiting, sum(failed)::int AS failed
       FROM (SELECT workspace_id, count(*) AS waiting, 0 AS failed FROM projection_queue GROUP BY workspace_id
             UNION ALL
             SELECT workspace_id, 0, count(*) FROM projection_failures GROUP BY workspace_id) AS counts
      GROUP BY workspace_id ORDER BY workspace_id`,
  );
  return result.rows.map((r) => ({ workspaceId: r.workspace_id, waiting: r.waiting, failed: r.failed }));
}

export async function countQueued(db: Queryable, workspaceId: string): Promise<number> {
  const result = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM projection_queue WHERE workspace_id = $1', [workspaceId]);
  return result.rows[0]!.n;
}

/**
 * Moves an event that failed on its own from the queue to the failures, with
 * the reason; nothing when it is no longer queued (another process projected
 * it between this one's failed attempt and this record).
 */
export async function recordProjectionFailure(
  tx: Queryable,
  workspaceId: string,
  // a canonical event, or the stub of one that could not be redacted (redact-failed-event.ts)
  queued: { seq: number; event: CanonicalEvent | { customer: { key: string } } },
  error: string,
): Promise<void> {
  await tx.query(
    `WITH gone AS (DELETE FROM projection_queue WHERE workspace_id = $1 AND event_seq = $2 RETURNING event_seq)
     INSERT INTO projection_failures (workspace_id, event_seq, customer_key, event, error)
     SELECT $1, event_seq, $3, $4::json, $5 FROM gone
     ON CONFLICT (workspace_id, event_seq) DO UPDATE SET event = EXCLUDED.event, error = EXCLUDED.error, failed_at = now()`,
    [workspaceId, queued.seq, queued.event.customer.key, JSON.stringify(queued.event), error],
  );
}

export interface StoredFailure {
  seq: number;
  customerKey: string;
  /** As recorded: a canonical event, or the stub of one that could not be redacted (redact-failed-event.ts). */
  event: CanonicalEvent;
  error: string;
}

/** Failed events addressed to one of these keys, naming one as a group member, or merging into one. */
export async function readFailuresNaming(tx: Queryable, workspaceId: string, keys: readonly string[]): Promise<StoredFailure[]> {
  if (keys.length === 0) return [];
  // json_array_elements raises on a non-array; one malformed failure must not stop every later erasure.
  const result = await tx.query<{ event_seq: number; customer_key: string; event: CanonicalEvent; error: string }>(
    `SELECT f.event_seq, f.customer_key, f.event, f.error FROM projection_failures f
      WHERE f.workspace_id = $1
        AND (f.customer_key IN (SELECT json_array_elements_text($2::json))
             OR f.event -> 'change' -> 'into' ->> 'key' IN (SELECT json_array_elements_text($2::json))
             OR EXISTS (SELECT 1 FROM json_array_elements(CASE WHEN json_typeof(f.event -> 'change' -> 'members') = 'array'
                                                               THEN f.event -> 'change' -> 'members' ELSE '[]' END) AS m
                         WHERE m -> 'customer' ->> 'key' IN (SELECT json_array_elements_text($2::json))))
      ORDER BY f.event_seq`,
    [workspaceId, JSON.stringify(keys)],
  );
  return result.rows.map((r) => ({ seq: Number(r.event_seq), customerKey: r.customer_key, event: r.event, error: r.error }));
}

/** Replaces the stored events and reasons of these failures (their time stays). */
export async function replaceFailedEvents(
  tx: Queryable,
  workspaceId: string,
  failures: ReadonlyArray<{ seq: number; event: unknown; error: string }>,
): Promise<void> {
  if (failures.length === 0) return;
  await tx.query(
    `UPDATE projection_failures f SET event = r.event, error = r.error
       FROM json_to_recordset($2::json) AS r(seq bigint, event json, error text)
      WHERE f.workspace_id = $1 AND f.event_seq = r.seq`,
    [workspaceId, JSON.stringify(failures)],
  );
}

export interface ProjectionFailure {
  workspaceId: string;
  seq: number;
  customerKey: string;
  eventCode: string;
  error: string;
  failedAt: string;
}

export async function listProjectionFailures(db: Queryable, workspaceId: string | null, limit: number): Promise<ProjectionFailure[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT workspace_id, event_seq, customer_key, event ->> 'eventCode' AS event_code, error, failed_at
       FROM projection_failures WHERE $1::text IS NULL OR workspace_id = $1
      ORDER BY workspace_id, event_seq LIMIT $2`,
    [workspaceId, limit],
  );
  return result.rows.map((r) => ({
    workspaceId: String(r.workspace_id),
    seq: Number(r.event_seq),
    customerKey: String(r.customer_key),
    eventCode: String(r.event_code),
    error: String(r.error),
    failedAt: new Date(r.failed_at as string).toISOString(),
  }));
}

/** Puts failed events back in the queue (once the cause is fixed); returns the workspaces concerned. */
export async function requeueProjectionFailures(db: Queryable, workspaceId: string | null): Promise<{ workspaceId: string; events: number }[]> {
  const result = await db.query<{ workspace_id: string; n: number }>(
    `WITH moved AS (DELETE FROM projection_failures WHERE $1::text IS NULL OR workspace_id = $1 RETURNING workspace_id, event_seq, event),
          queued AS (INSERT INTO projection_queue (workspace_id, event_seq, event) SELECT workspace_id, event_seq, event FROM moved
                     ON CONFLICT DO NOTHING RETURNING workspace_id)
     SELECT workspace_id, count(*)::int AS n FROM queued GROUP BY workspace_id ORDER BY workspace_id`,
    [workspaceId],
  );
  return result.rows.map((r) => ({ workspaceId: r.workspace_id, events: r.n }));
}
