import { normaliseEmail } from '../apply/reduce-segment.ts';
import { isoOrNull } from '../events/event-log.ts';
import type { Queryable } from '../store/db.ts';
import type { CustomerStatus } from './command-types.ts';
import { ExactDecimal } from './decimal-units.ts';
import type { BatchPlan, CustomerState } from './plan-batch.ts';

/** All SQL over `bonus_customers`, and the bonus customers' rows in the shared `customers` table. */

export const BONUS_SOURCE = 'bonus';
/** The profile id of a bonus customer: `GET /v1/customers/bonus:<uniqId>`. */
export const bonusCustomerKey = (uniqId: string): string => `${BONUS_SOURCE}:${uniqId}`;


/** The lookups readCustomers makes; e-mails are matched case-insensitively. */
export type CustomerKey = 'uniq_id' | 'phone' | 'email_lookup';

/**
 * The customers whose uniqId, phone or e-mail is one of `values`. Not locked:
 * only the worker changes phones, e-mails, balances and blocks, and it holds
 * the workspace's lock; an authorisation only turns New into Active, which
 * updateCustomers never undoes.
 */
export async function readCustomers(tx: Queryable, workspaceId: string, key: CustomerKey, values: Iterable<string>): Promise<CustomerState[]> {
  const list = [...new Set(key === 'email_lookup' ? [...values].map(normaliseEmail) : values)];
  if (list.length === 0) return [];
  const result = await tx.query<Record<string, unknown>>(
    // One index probe per value: a LATERAL subquery with LIMIT or OFFSET is
    // never turned into a join, which the planner might make a scan of every
    // customer of the workspace while its statistics lag behind the table.
    `SELECT c.* FROM json_array_elements_text($2::json) AS k (v)
      CROSS JOIN LATERAL (SELECT uniq_id, phone, email, status, activated_at, blocked_at FROM bonus_customers
                           WHERE workspace_id = $1 AND ${key} = k.v ${key === 'email_lookup' ? 'OFFSET 0' : 'LIMIT 1'}) AS c`,
    [workspaceId, JSON.stringify(list)],
  );
  return result.rows.map((r) => ({
    uniqId: String(r.uniq_id),
    phone: (r.phone as string | null) ?? null,
    email: (r.email as string | null) ?? null,
    status: r.status as CustomerStatus,
    activatedAt: isoOrNull(r.activated_at),
    blockedAt: isoOrNull(r.blocked_at),
  }));
}

const rowOf = (c: CustomerState) => ({
  uniq_id: c.uniqId,
  phone: c.phone,
  email: c.email,
  email_lookup: c.email === null ? null : normaliseEmail(c.email),
  status: c.status,
  activated_at: c.activatedAt,
  blocked_at: c.blockedAt,
});

export async function insertCustomers(
  tx: Queryable,
  workspaceId: string,
  customers: BatchPlan['created'],
  at: string,
): Promise<void> {
  if (customers.length === 0) return;
  await tx.query(
    `INSERT INTO bonus_customers (workspace_id, uniq_id, phone, email, email_lookup, status, activated_at, blocked_at, balance,
                                  created_at, updated_at, created_by_command, created_by_item)
     SELECT $1, r.uniq_id, r.phone, r.email, r.email_lookup, r.status, r.activated_at, r.blocked_at, r.balance, $3, $3, r.command_id, r.item_no
       FROM json_to_recordset($2::json) AS r(uniq_id text, phone text, email text, email_lookup text, status text,
            activated_at timestamptz, blocked_at timestamptz, balance numeric, command_id uuid, item_no integer)`,
    [workspaceId, JSON.stringify(customers.map((c) => ({ ...rowOf(c), balance: c.balance, command_id: c.commandId, item_no: c.itemNo }))), at],
  );
}

/**
 * Writes the final phone, e-mail and status the batch decided and adds its
 * accruals to the balance: one new row version per customer and batch. A
 * customer the batch left New keeps the status it has now: an authorisation
 * may have activated it meanwhile (seed 3.3).
 */
export async function updateCustomers(tx: Queryable, workspaceId: string, customers: BatchPlan['updated'], at: string): Promise<void> {
  if (customers.length === 0) return;
  await tx.query(
    `UPDATE bonus_customers c
        SET phone = r.phone, email = r.email, email_lookup = r.email_lookup,
            status = CASE WHEN r.status = 'New' THEN c.status ELSE r.status END,
            activated_at = COALESCE(c.activated_at, r.activated_at), blocked_at = r.blocked_at,
            balance = c.balance + r.balance_delta, updated_at = $3
       FROM json_to_recordset($2::json) AS r(uniq_id text, phone text, email text, email_lookup text, status text,
            activated_at timestamptz, blocked_at timestamptz, balance_delta numeric)
      WHERE c.workspace_id = $1 AND c.uniq_id = r.uniq_id`,
    [workspaceId, JSON.stringify(customers.map((c) => ({ ...rowOf(c), balance_delta: c.balanceDelta }))), at],
  );
}

export interface BonusCustomerRow {
  uniqId: string;
  phone: string | null;
  email: string | null;
  status: CustomerStatus;
  balance: ExactDecimal;
  createdAt: string;
  activatedAt: string | null;
  blockedAt: string | null;
}

/** One customer; `lock` holds the row to the end of the transaction. */
export async function readBonusCustomer(db: Queryable, workspaceId: string, uniqId: string, lock = false): Promise<BonusCustomerRow | null> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT uniq_id, phone, email, status, balance::text AS balance, created_at, activated_at, blocked_at
       FROM bonus_customers WHERE workspace_id = $1 AND uniq_id = $2 ${lock ? 'FOR UPDATE' : ''}`,
    [workspaceId, uniqId],
  );
  const r = result.rows[0];
  if (!r) return null;
  return {
    uniqId: String(r.uniq_id),
    phone: (r.phone as string | null) ?? null,
    email: (r.email as string | null) ?? null,
    status: r.status as CustomerStatus,
    balance: new ExactDecimal(String(r.balance)),
    createdAt: isoOrNull(r.created_at) ?? '',
    activatedAt: isoOrNull(r.activated_at),
    blockedAt: isoOrNull(r.blocked_at),
  };
}

/** Seed 3.3: the customer's own authorisation activates a New account. Returns whether it did. */
export async function activateIfNew(tx: Queryable, workspaceId: string, uniqId: string, at: string): Promise<boolean> {
  const result = await tx.query<{ uniq_id: string }>(
    `UPDATE bonus_customers SET status = 'Active', activated_at = COALESCE(activated_at, $3), updated_at = $3
      WHERE workspace_id = $1 AND uniq_id = $2 AND status = 'New'
      RETURNING uniq_id`,
    [workspaceId, uniqId, at],
  );
  return result.rows.length > 0;
}

/** The uniqIds that have this phone or e-mail (for getBonusOperationExt's customer filter). */
export async function findBonusCustomers(db: Queryable, workspaceId: string, by: { phone: string | null; email: string | null }): Promise<string[]> {
  const result = await db.query<{ uniq_id: string }>(
    `SELECT uniq_id FROM bonus_customers
      WHERE workspace_id = $1 AND (phone = $2 OR email_lookup = $3) ORDER BY uniq_id`,
    [workspaceId, by.phone, by.email === null ? null : normaliseEmail(by.email)],
  );
  return result.rows.map((r) => r.uniq_id);
}
