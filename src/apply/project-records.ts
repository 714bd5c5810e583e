import type { CanonicalEvent, RecordChange } from '../events/canonical.ts';
import type { Queryable } from '../store/db.ts';

export interface AppliedRecord {
  event: CanonicalEvent & { change: RecordChange };
  seq: number;
}

/**
 * Projects the batch's record events (changes that belong to no profile,
 * see RecordChange) onto their tables: one statement per table per batch,
 * later events winning by sequence number as in the profile tables.
 */
export async function projectRecords(tx: Queryable, workspaceId: string, records: readonly { event: CanonicalEvent; seq: number }[]): Promise<void> {
  if (records.length === 0) return;
  void tx;
  void workspaceId;
  throw new Error(`no projection for record changes yet (${records[0]!.event.change.kind})`);
}
