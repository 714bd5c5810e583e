import type { Queryable } from '../store/db.ts';

/**
 * Serialises the writers of one workspace across processes, for the rest of
 * the transaction: a merge moving a profile's rows, or a relink, must not
 * interleave with another writer adding to them.
 */
export async function lockWorkspaceForApply(tx: Queryable, workspaceId: string): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext('smartcom.apply:' || $1))", [workspaceId]);
}

/**
 * Serialises the acceptors of one workspace across processes (webhook
 * requests appending to the log and the projection queue): the log's
 * sequence numbers are taken at insert, so without it two processes could
 * commit 105 before 104, and a projection reading the queue between the two
 * commits would apply 105 first. Never taken with the apply lock.
 */
export async function lockWorkspaceForAccept(tx: Queryable, workspaceId: string): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext('smartcom.accept:' || $1))", [workspaceId]);
}
