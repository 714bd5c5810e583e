import type { Queryable } from '../store/db.ts';
import { normaliseEmail, normalisePhone } from '../apply/reduce-segment.ts';

export type LookupKind = 'card' | 'phone' | 'email' | 'uid';

/**
 * Profile keys matching an identifier. Keys merged away are reported as the
 * profile they were merged into, so a lookup always lands on a live profile.
 */
export async function findCustomerKeys(db: Queryable, workspaceId: string, kind: LookupKind, value: string): Promise<string[]> {
  const sql: Record<LookupKind, string> = {
    card: 'SELECT customer_key FROM cards WHERE workspace_id = $1 AND (card_number = $2 OR bar_code = $2)',
    phone: "SELECT customer_key FROM attributes WHERE workspace_id = $1 AND lookup_kind = 'phone' AND lookup_value = $2",
    email: "SELECT customer_key FROM attributes WHERE workspace_id = $1 AND lookup_kind = 'email' AND lookup_value = $2",
    uid: 'SELECT customer_key FROM customers WHERE workspace_id = $1 AND (customer_uid = $2 OR customer_code = $2)',
  };
  const normalised = kind === 'phone' ? normalisePhone(value) : kind === 'email' ? normaliseEmail(value) : value;
  const result = await db.query<{ key: string }>(
    `SELECT DISTINCT COALESCE(c.merged_into, m.customer_key) AS key
       FROM (${sql[kind]}) m
       LEFT JOIN customers c ON c.workspace_id = $1 AND c.customer_key = m.customer_key
      ORDER BY 1`,
    [workspaceId, normalised],
  );
  return result.rows.map((r) => r.key);
}
