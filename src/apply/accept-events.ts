import type { CanonicalEvent } from '../events/canonical.ts';
import { appendEvents } from '../events/event-log.ts';
import type { Store } from '../store/db.ts';
import type { ApplyOutcome } from './apply-batch.ts';
import { enqueueForProjection } from './projection-queue-table.ts';
import { lockWorkspaceForAccept } from './workspace-lock.ts';

/**
 * Accepts events for background projection: appends them to the log and
 * queues the new ones, in one short transaction that takes no apply lock
 * (only the accept lock, which keeps the queue's commit order the log's
 * across processes), so a sender is answered as soon as its events are durable. An event id
 * already in the log (a sender's retry) is a duplicate and queues nothing.
 * The background projection (background-projection.ts) then applies the
 * queue in log order, in large batches.
 */
export async function acceptEvents(store: Store, workspaceId: string, events: readonly CanonicalEvent[]): Promise<ApplyOutcome> {
  const seen = new Set<string>();
  const distinct = events.filter((e) => !seen.has(e.eventId) && seen.add(e.eventId));
  const applied = await store.transaction(async (tx) => {
    await lockWorkspaceForAccept(tx, workspaceId);
    const seqById = await appendEvents(tx, workspaceId, distinct);
    const queued = distinct.filter((e) => seqById.has(e.eventId)).map((event) => ({ seq: seqById.get(event.eventId)!, event }));
    await enqueueForProjection(tx, workspaceId, queued);
    return queued.length;
  });
  return { applied, duplicates: events.length - applied };
}
