import type { Queryable } from '../store/db.ts';
import { lookupValueOf } from '../apply/identifier-lookup.ts';
import { identifierKindOf } from '../events/identifier-kinds.ts';

export type LookupKind = 'card' | 'phone' | 'email' | 'uid' | 'externalId' | 'cardExternalId' | 'accountId' | 'identifier';

export interface LookupOptions {
  /** accountId / identifier: only accounts of this channel (facebook, wechat ...). */
  channel?: string | undefined;
  /** identifier: the identifier type (mobile, email, a channel's own type ...). */
  identifierType?: string | undefined;
}

// Identifiers reported as such by a source (customer_identifiers), searched by kind.
const BY_IDENTIFIER = `SELECT customer_key FROM customer_identifiers
  WHERE workspace_id = $1 AND kind = $3 AND lookup_value = $2 AND lookup_value <> '' AND ($4::text IS NULL OR channel = $4)`;

/**
 * Profile keys matching an identifier. Keys merged away are reported as the
 * profile they were merged into, so a lookup always lands on a live profile.
 * Cards, phones and e-mails are searched in every source's tables.
 */
export async function findCustomerKeys(db: Queryable, workspaceId: string, kind: LookupKind, value: string, options: LookupOptions = {}): Promise<string[]> {
  const core: Partial<Record<LookupKind, string>> = {
    card: 'SELECT customer_key FROM cards WHERE workspace_id = $1 AND (card_number = $2 OR bar_code = $2)',
    phone: "SELECT customer_key FROM attributes WHERE workspace_id = $1 AND lookup_kind = 'phone' AND lookup_value = $2",
    email: "SELECT customer_key FROM attributes WHERE workspace_id = $1 AND lookup_kind = 'email' AND lookup_value = $2",
    uid: 'SELECT customer_key FROM customers WHERE workspace_id = $1 AND (customer_uid = $2 OR customer_code = $2)',
  };
  const identifierKind = kind === 'identifier' ? identifierKindOf(options.identifierType ?? '') : kind;
  const lookupValue = kind === 'uid' ? value : lookupValueOf(identifierKind, value);
  // A blank value (an e-mail of spaces, a phone without digits) names no one.
  if (lookupValue === '') return [];
  const [matches, params] =
    kind === 'uid'
      ? [core.uid!, [workspaceId, value]]
      : [[core[kind], BY_IDENTIFIER].filter(Boolean).join(' UNION ALL '), [workspaceId, lookupValue, identifierKind, options.channel ?? null]];
  const result = await db.query<{ key: string }>(
    `SELECT DISTINCT COALESCE(c.merged_into, m.customer_key) AS key
       FROM (${matches}) m
       LEFT JOIN customers c ON c.workspace_id = $1 AND c.customer_key = m.customer_key
      ORDER BY 1`,
    params,
  );
  return result.rows.map((r) => r.key);
}
