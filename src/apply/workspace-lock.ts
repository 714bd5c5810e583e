import type { Queryable } from '../store/db.ts';

/**
 * Serialises the writers of one workspace across processes, for the rest of
 * the transaction: a merge moving a profile's rows, or a relink, must not
 * interleave with another writer adding to them.
 */
export async function lockWorkspaceForApply(tx: Queryable, workspaceId: string): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext('smartcom.apply:' || $1))", [workspaceId]);
}
