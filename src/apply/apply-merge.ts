import type { Queryable } from '../store/db.ts';
import type { CanonicalEvent } from '../events/canonical.ts';
import { upsertCustomers, markMerged } from './customers-table.ts';
import { moveCards } from './cards-table.ts';
import { moveAttributes } from './attributes-table.ts';
import { moveSubscriptions } from './subscriptions-table.ts';
import { moveReceipts } from './receipts-table.ts';
import { moveImportedBonusBalances } from './imported-bonus-balances-table.ts';
import { movePromoCodes } from './promo-codes-table.ts';
import { customerRowOf } from './reduce-segment.ts';
import { carryUndoneLinks, linkSharedIdentifiers } from './identity-links.ts';

/**
 * Merges one profile into another: everything of the merged profile moves to
 * the target, and the merged key is marked so that its later events land on
 * the target too. `resolve` maps keys to their current profile and is updated
 * in place for the rest of the batch.
 */
export async function applyMerge(
  tx: Queryable,
  workspaceId: string,
  event: CanonicalEvent & { change: { kind: 'profilesMerged' } },
  seq: number,
  resolve: Map<string, string>,
): Promise<void> {
  const from = event.customer;
  const into = event.change.into;
  // Both profiles exist afterwards even if nothing else was heard of them yet.
  await upsertCustomers(tx, workspaceId, [from, into].map((ref) => customerRowOf(ref, event.receivedAt)));

  const fromKey = resolve.get(from.key) ?? from.key;
  const intoKey = resolve.get(into.key) ?? into.key;
  // Already one profile (a repeated merge, or a merge back into itself): nothing moves.
  if (fromKey === intoKey) return;

  await moveCards(tx, workspaceId, fromKey, intoKey);
  await moveAttributes(tx, workspaceId, fromKey, intoKey);
  await moveSubscriptions(tx, workspaceId, fromKey, intoKey);
  await moveReceipts(tx, workspaceId, fromKey, intoKey);
  await moveImportedBonusBalances(tx, workspaceId, fromKey, intoKey);
  await movePromoCodes(tx, workspaceId, fromKey, intoKey);
  await markMerged(tx, workspaceId, fromKey, intoKey, event.receivedAt);
  await tx.query(
    `INSERT INTO customer_merges (workspace_id, event_seq, from_key, to_key, merged_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING`,
    [workspaceId, seq, fromKey, intoKey, event.receivedAt],
  );
  // The merged profile's identity links were made over what the target holds
  // now: they move with it (an undone one stays undone on the target), and
  // those over values the merge dropped go.
  await carryUndoneLinks(tx, workspaceId, fromKey, intoKey, seq);
  await linkSharedIdentifiers(tx, workspaceId, [fromKey, intoKey], { at: event.receivedAt, seq });
  for (const [key, target] of resolve) if (target === fromKey) resolve.set(key, intoKey);
  resolve.set(fromKey, intoKey);
  resolve.set(from.key, intoKey);
}
