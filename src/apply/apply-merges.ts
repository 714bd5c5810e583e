import type { Queryable } from '../store/db.ts';
import { moveAttributes } from './attributes-table.ts';
import { moveCards } from './cards-table.ts';
import { markMerged, recordMerges, upsertCustomers } from './customers-table.ts';
import { carryUndoneLinks, linkSharedIdentifiers } from './identity-links.ts';
import { moveImportedBonusBalances } from './imported-bonus-balances-table.ts';
import { mergedProfiles, planMergeWaves, type MergeEvent } from './merge-pairs.ts';
import { movePromoCodes } from './promo-codes-table.ts';
import { moveReceipts } from './receipts-table.ts';
import { customerRowOf } from './reduce-segment.ts';
import { moveSubscriptions } from './subscriptions-table.ts';

/**
 * Merges profiles: everything of a merged profile moves to its target, and
 * the merged key is marked so that its later events land on the target too.
 * A batch's merges are applied in waves (merge-pairs.ts), each with one
 * statement per table, so a batch costs the same few statements however many
 * merges it holds. `resolve` maps keys to their current profile and is
 * updated in place for the rest of the batch.
 */
export async function applyMerges(
  tx: Queryable,
  workspaceId: string,
  merges: ReadonlyArray<{ event: MergeEvent; seq: number }>,
  resolve: Map<string, string>,
): Promise<void> {
  if (merges.length === 0) return;
  // Both profiles of every merge exist afterwards even if nothing else was heard of them yet.
  await upsertCustomers(tx, workspaceId, mergedProfiles(merges).map(({ ref, at }) => customerRowOf(ref, at)));
  for (const wave of planMergeWaves(merges, resolve)) {
    // Each writes its own table: handed over together, they run back to back.
    await Promise.all([
      moveCards(tx, workspaceId, wave),
      moveAttributes(tx, workspaceId, wave),
      moveSubscriptions(tx, workspaceId, wave),
      moveReceipts(tx, workspaceId, wave),
      moveImportedBonusBalances(tx, workspaceId, wave),
      movePromoCodes(tx, workspaceId, wave),
      markMerged(tx, workspaceId, wave),
      recordMerges(tx, workspaceId, wave),
    ]);
    // The merged profiles' identity links were made over what the targets
    // hold now: they move with them (an undone one stays undone on the
    // target), and those over values a merge dropped go.
    await carryUndoneLinks(tx, workspaceId, wave);
    const last = wave[wave.length - 1]!;
    await linkSharedIdentifiers(tx, workspaceId, wave.flatMap((m) => [m.from_key, m.into_key]), { at: last.merged_at, seq: last.seq });
  }
}
