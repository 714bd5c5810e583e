import { isoOrNull } from '../events/event-log.ts';
import type { Queryable } from '../store/db.ts';
import { OPERATION_KINDS } from './command-schemas.ts';
import { ExactDecimal } from './decimal-units.ts';
import type { PlannedAccrual } from './plan-batch.ts';

/**
 * All SQL over `bonus_operations`, the ledger. Operations are only ever
 * inserted; a customer's balance is the sum of theirs.
 */

const INSERT_OPERATIONS = `
  INSERT INTO bonus_operations (workspace_id, guid, uniq_id, requested_uniq_id, kind, amount, info, event_id, event_date, event_type,
                                operation_type, operation_amount, merchant_name, bank_product, mcc, command_id, item_no, created_at)
  SELECT $1, r.guid, r.uniq_id, r.requested_uniq_id, 'accrual', r.amount, r.info, r.event_id, r.event_date, r.event_type,
         r.operation_type, r.operation_amount, r.merchant_name, r.bank_product, r.mcc, r.command_id, r.item_no, $3
    FROM json_to_recordset($2::json) AS r(guid text, uniq_id text, requested_uniq_id text, amount numeric, info text, event_id text,
         event_date timestamptz, event_type text, operation_type text, operation_amount numeric, merchant_name text,
         bank_product text, mcc text, command_id uuid, item_no integer)`;

function operationRows(accruals: readonly PlannedAccrual[]): string {
  return JSON.stringify(
    accruals.map((a) => ({
      guid: a.guid,
      uniq_id: a.uniqId,
      requested_uniq_id: a.requestedUniqId,
      amount: a.details.amount,
      info: a.details.info,
      event_id: a.details.eventId,
      event_date: a.details.eventDate,
      event_type: a.details.eventType,
      operation_type: a.details.operationType,
      operation_amount: a.details.operationAmount,
      merchant_name: a.details.merchantName,
      bank_product: a.details.bankProduct,
      mcc: a.details.mcc,
      command_id: a.commandId,
      item_no: a.itemNo,
    })),
  );
}

/**
 * Appends operations. The balances move in the same transaction
 * (updateCustomers / insertCustomers, from the same plan). A guid already in
 * the ledger violates its unique key and fails the whole batch: the worker
 * checks guids first, so that only happens if something else wrote to the
 * ledger, and then nothing must be half-applied.
 */
export async function insertOperations(tx: Queryable, workspaceId: string, accruals: readonly PlannedAccrual[], at: string): Promise<void> {
  if (accruals.length === 0) return;
  await tx.query(INSERT_OPERATIONS, [workspaceId, operationRows(accruals), at]);
}

export interface OperationFilter {
  /** null: every customer of the workspace. */
  uniqIds: string[] | null;
  kinds: string[];
  from: string | null;
  to: string | null;
}

export interface OperationView {
  id: number;
  guid: string;
  login: string;
  requestedLogin: string;
  type: string;
  typeName: string;
  amount: ExactDecimal;
  date: string;
  info: string | null;
  eventId: string | null;
  eventDate: string | null;
  eventType: string | null;
  operationType: string | null;
  operationAmount: ExactDecimal | null;
  merchantName: string | null;
  bankProduct: string | null;
  mcc: string | null;
  commandId: string;
  itemNo: number;
}

const FILTER = `workspace_id = $1
   AND ($2::json IS NULL OR uniq_id IN (SELECT json_array_elements_text($2::json)))
   AND kind IN (SELECT json_array_elements_text($3::json))
   AND ($4::timestamptz IS NULL OR created_at >= $4::timestamptz)
   AND ($5::timestamptz IS NULL OR created_at < $5::timestamptz)`;

const filterParams = (workspaceId: string, f: OperationFilter) => [
  workspaceId,
  f.uniqIds === null ? null : JSON.stringify(f.uniqIds),
  JSON.stringify(f.kinds),
  f.from,
  f.to,
];

/** A page of operations, oldest first, after operation `afterId`. */
export async function listOperations(db: Queryable, workspaceId: string, filter: OperationFilter, page: { afterId: number; limit: number }): Promise<OperationView[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT seq, guid, uniq_id, requested_uniq_id, kind, amount::text AS amount, created_at, info, event_id, event_date, event_type,
            operation_type, operation_amount::text AS operation_amount, merchant_name, bank_product, mcc, command_id, item_no
       FROM bonus_operations
      WHERE ${FILTER} AND seq > $6
      ORDER BY seq LIMIT $7`,
    [...filterParams(workspaceId, filter), page.afterId, page.limit],
  );
  return result.rows.map((r) => ({
    id: Number(r.seq),
    guid: String(r.guid),
    login: String(r.uniq_id),
    requestedLogin: String(r.requested_uniq_id),
    type: String(r.kind),
    typeName: OPERATION_KINDS[r.kind as keyof typeof OPERATION_KINDS] ?? String(r.kind),
    amount: new ExactDecimal(String(r.amount)),
    date: isoOrNull(r.created_at) ?? '',
    info: (r.info as string | null) ?? null,
    eventId: (r.event_id as string | null) ?? null,
    eventDate: isoOrNull(r.event_date),
    eventType: (r.event_type as string | null) ?? null,
    operationType: (r.operation_type as string | null) ?? null,
    operationAmount: r.operation_amount === null ? null : new ExactDecimal(String(r.operation_amount)),
    merchantName: (r.merchant_name as string | null) ?? null,
    bankProduct: (r.bank_product as string | null) ?? null,
    mcc: (r.mcc as string | null) ?? null,
    commandId: String(r.command_id),
    itemNo: Number(r.item_no),
  }));
}

/** Count and sum over the whole filter (FAQ 6: compare with what was sent). */
export async function totalOperations(db: Queryable, workspaceId: string, filter: OperationFilter): Promise<{ count: number; amount: ExactDecimal }> {
  const result = await db.query<{ count: number; amount: string }>(
    `SELECT count(*)::int AS count, COALESCE(sum(amount), 0)::text AS amount FROM bonus_operations WHERE ${FILTER}`,
    filterParams(workspaceId, filter),
  );
  const row = result.rows[0];
  return { count: Number(row?.count ?? 0), amount: new ExactDecimal(row?.amount ?? '0') };
}
