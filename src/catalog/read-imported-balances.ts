import { isoOrNull } from '../events/event-log.ts';
import type { Queryable } from '../store/db.ts';
import { numberOrNull } from './read-products.ts';

/** A bonus balance an SQL source keeps for the customer, one per source; asOf is the source's date (or when it was read). */
export interface ImportedBonusBalanceView {
  source: string;
  balance: number;
  pending: number | null;
  asOf: string | null;
  updatedAt: string | null;
}

export async function readImportedBonusBalances(db: Queryable, workspaceId: string, customerKey: string): Promise<ImportedBonusBalanceView[]> {
  const result = await db.query<Record<string, unknown>>(
    'SELECT * FROM imported_bonus_balances WHERE workspace_id = $1 AND customer_key = $2 ORDER BY source_name',
    [workspaceId, customerKey],
  );
  return result.rows.map((r) => ({
    source: String(r.source_name),
    balance: Number(r.balance),
    pending: numberOrNull(r.pending),
    asOf: isoOrNull(r.as_of),
    updatedAt: isoOrNull(r.updated_at),
  }));
}
