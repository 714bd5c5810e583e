import type { Queryable } from '../store/db.ts';

export interface ResolvedCustomer {
  /** The profile's key (the merge target when the asked key was merged away). */
  key: string;
  /** The key that was asked for, when it differs. */
  resolvedFrom: string | null;
  /** Every key whose events belong to this profile: itself and all merged into it. */
  memberKeys: string[];
}

/** Accepts `source:externalId` or a bare Loymax customerId. */
export function customerKeyOf(id: string, defaultSource = 'loymax'): string {
  return id.includes(':') ? id : `${defaultSource}:${id}`;
}

export async function resolveCustomer(db: Queryable, workspaceId: string, key: string): Promise<ResolvedCustomer | null> {
  const own = await db.query<{ merged_into: string | null }>(
    'SELECT merged_into FROM customers WHERE workspace_id = $1 AND customer_key = $2',
    [workspaceId, key],
  );
  const row = own.rows[0];
  if (!row) return null;
  const target = row.merged_into ?? key;
  const members = await db.query<{ customer_key: string }>(
    'SELECT customer_key FROM customers WHERE workspace_id = $1 AND merged_into = $2',
    [workspaceId, target],
  );
  return {
    key: target,
    resolvedFrom: target === key ? null : key,
    memberKeys: [target, ...members.rows.map((r) => r.customer_key)],
  };
}
