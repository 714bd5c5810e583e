import type { Queryable } from '../store/db.ts';
import { upsertImportedBonusBalances, type ImportedBonusBalanceRow } from './imported-bonus-balances-table.ts';
import { bySeq, latestPerKey } from './latest-per-key.ts';
import { promoCodeKey, promoCodeRowOf } from './project-catalogue.ts';
import { upsertPromoCodes, type PromoCodeRow } from './promo-codes-table.ts';
import type { AppliedEvent } from './reduce-segment.ts';

/**
 * Projects the segment's imported bonus balances and the promo codes issued
 * to customers (SQL import) onto the profile each event lands on (its
 * target after merges). Other kinds are not this projection's business.
 */
export async function projectBalancesAndCodes(tx: Queryable, workspaceId: string, segment: readonly AppliedEvent[]): Promise<void> {
  const rows = reduceBalancesAndCodes(segment);
  await upsertImportedBonusBalances(tx, workspaceId, rows.balances);
  await upsertPromoCodes(tx, workspaceId, rows.promoCodes);
}

export function reduceBalancesAndCodes(segment: readonly AppliedEvent[]): { balances: ImportedBonusBalanceRow[]; promoCodes: PromoCodeRow[] } {
  const balances: ImportedBonusBalanceRow[] = [];
  const promoCodes: PromoCodeRow[] = [];
  for (const { event, seq, targetKey } of segment) {
    const change = event.change;
    if (change.kind === 'importedBonusBalance') {
      balances.push({
        customer_key: targetKey,
        source_name: change.sourceName,
        balance: change.balance,
        pending: change.pending,
        // A balance without a date is the balance as of when it was read.
        as_of: change.asOf ?? event.receivedAt,
        event_seq: seq,
        updated_at: event.receivedAt,
      });
    } else if (change.kind === 'customerPromoCodeChanged') {
      promoCodes.push(promoCodeRowOf(change.promoCode, targetKey, seq, event.receivedAt));
    }
  }
  return {
    balances: latestPerKey(balances, (r) => `${r.customer_key}\u0000${r.source_name}`, (a, b) => Date.parse(a.as_of) - Date.parse(b.as_of) || bySeq(a, b)),
    promoCodes: latestPerKey(promoCodes, promoCodeKey, bySeq),
  };
}
