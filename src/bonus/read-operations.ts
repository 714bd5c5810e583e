import type { Queryable } from '../store/db.ts';
import { findBonusCustomers } from './bonus-customers-table.ts';
import type { ExactDecimal } from './decimal-units.ts';
import { listOperations, totalOperations, type OperationView } from './ledger-table.ts';
import type { OperationQuery } from './validate-command.ts';

/**
 * getBonusOperationExt: the ledger's operations by customer, type and period
 * (FAQ 6: "limited by the type of operation 'Accrual of bonuses'"), a page at
 * a time, with the count and sum over the whole filter to reconcile against.
 */
export async function readOperations(
  db: Queryable,
  workspaceId: string,
  query: OperationQuery,
): Promise<{ operations: OperationView[]; total: { count: number; amount: ExactDecimal }; nextAfterId: number | null }> {
  const uniqIds = await customersOf(db, workspaceId, query.customer);
  const filter = { uniqIds, kinds: query.kinds, from: query.from, to: query.to };
  const [operations, total] = await Promise.all([
    listOperations(db, workspaceId, filter, { afterId: query.afterId, limit: query.limit }),
    totalOperations(db, workspaceId, filter),
  ]);
  const last = operations.at(-1);
  return { operations, total, nextAfterId: operations.length === query.limit && last ? last.id : null };
}

/** uniqId names one customer; a phone or e-mail every customer that has it (e-mails need not be unique). */
async function customersOf(db: Queryable, workspaceId: string, customer: OperationQuery['customer']): Promise<string[] | null> {
  if (!customer) return null;
  if (customer.uniqId !== null) return [customer.uniqId];
  return findBonusCustomers(db, workspaceId, { phone: customer.phone, email: customer.phone === null ? customer.email : null });
}
