import { appendEvents } from '../../src/events/event-log.ts';
import type { CanonicalEvent } from '../../src/events/canonical.ts';
import { enqueueForProjection, recordProjectionFailure } from '../../src/apply/projection-queue-table.ts';
import type { Store } from '../../src/store/db.ts';

/**
 * What the background projection leaves when one accepted event cannot be
 * projected (a bug): the event in the log, taken from the projection queue
 * into projection_failures with its reason.
 */
export async function recordFailedProjection(store: Store, workspaceId: string, event: CanonicalEvent, reason: string): Promise<void> {
  await store.transaction(async (tx) => {
    const seq = (await appendEvents(tx, workspaceId, [event])).get(event.eventId)!;
    await enqueueForProjection(tx, workspaceId, [{ seq, event }]);
    await recordProjectionFailure(tx, workspaceId, { seq, event: { ...event, payload: null } }, reason);
  });
}
