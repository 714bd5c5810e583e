import type { Queryable } from '../store/db.ts';

/**
 * All SQL over `pending_acks`: which identity-less events were applied from
 * deliveries whose ack the broker may not have received. See README,
 * "Exactly once".
 */

export interface PendingAck {
  eventSeq: number;
  streamKey: string;
  bodyHash: string;
}

export async function findPendingAcks(tx: Queryable, workspaceId: string, streamKeys: readonly string[]): Promise<PendingAck[]> {
  if (streamKeys.length === 0) return [];
  const result = await tx.query<{ event_seq: number; stream_key: string; body_hash: string }>(
    `SELECT event_seq, stream_key, body_hash FROM pending_acks
      WHERE workspace_id = $1 AND stream_key IN (SELECT json_array_elements_text($2::json))
      ORDER BY event_seq`,
    [workspaceId, JSON.stringify(streamKeys)],
  );
  return result.rows.map((r) => ({ eventSeq: Number(r.event_seq), streamKey: r.stream_key, bodyHash: r.body_hash }));
}

export async function recordPendingAcks(tx: Queryable, workspaceId: string, batchId: string, rows: readonly PendingAck[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO pending_acks (workspace_id, event_seq, batch_id, stream_key, body_hash)
     SELECT $1, r.event_seq, $2, r.stream_key, r.body_hash
       FROM json_to_recordset($3::json) AS r(event_seq bigint, stream_key text, body_hash text)`,
    [workspaceId, batchId, JSON.stringify(rows.map((r) => ({ event_seq: r.eventSeq, stream_key: r.streamKey, body_hash: r.bodyHash })))],
  );
}

export async function removePendingAcks(tx: Queryable, workspaceId: string, eventSeqs: readonly number[]): Promise<void> {
  if (eventSeqs.length === 0) return;
  await tx.query('DELETE FROM pending_acks WHERE workspace_id = $1 AND event_seq IN (SELECT json_array_elements_text($2::json)::bigint)', [
    workspaceId,
    JSON.stringify(eventSeqs),
  ]);
}

/** Hands records used up by redelivered copies to the copies' own delivery batch (a fresh record, as of now). */
export async function passPendingAcks(tx: Queryable, workspaceId: string, eventSeqs: readonly number[], batchId: string): Promise<void> {
  if (eventSeqs.length === 0) return;
  await tx.query(
    'UPDATE pending_acks SET batch_id = $3, created_at = now() WHERE workspace_id = $1 AND event_seq IN (SELECT json_array_elements_text($2::json)::bigint)',
    [workspaceId, JSON.stringify(eventSeqs), batchId],
  );
}

/** Called once the broker has certainly processed a batch's ack. */
export async function forgetAckedBatch(db: Queryable, workspaceId: string, batchId: string): Promise<void> {
  await db.query('DELETE FROM pending_acks WHERE workspace_id = $1 AND batch_id = $2', [workspaceId, batchId]);
}

/** Drops records older than `before` (the store's clock): see the consumer's sweep. */
export async function forgetPendingAcksBefore(db: Queryable, workspaceId: string, before: string): Promise<void> {
  await db.query('DELETE FROM pending_acks WHERE workspace_id = $1 AND created_at < $2', [workspaceId, before]);
}

/** The store's own clock, so records are compared with times from the same clock. */
export async function storeClock(db: Queryable): Promise<string> {
  const result = await db.query<{ now: Date | string }>('SELECT now() AS now');
  const now = result.rows[0]!.now;
  return now instanceof Date ? now.toISOString() : new Date(now).toISOString();
}
