import type { PromoCode } from '../events/canonical.ts';
import { isoOrNull } from '../events/event-log.ts';
import type { Queryable } from '../store/db.ts';
import { numberOrNull } from './read-products.ts';

/** A promo code as imported; customerId is the profile it was issued to (after merges), null when issued to no one. */
export type PromoCodeView = { source: string; customerId: string | null } & Omit<PromoCode, 'sourceName'> & { updatedAt: string | null };

/** The code in every source of the workspace that has it (codes are unique within a source only). */
export async function readPromoCodesByCode(db: Queryable, workspaceId: string, code: string): Promise<PromoCodeView[]> {
  const result = await db.query<Record<string, unknown>>(
    'SELECT * FROM promo_codes WHERE workspace_id = $1 AND code = $2 ORDER BY source_name',
    [workspaceId, code],
  );
  return result.rows.map(promoCodeViewOf);
}

/** The codes issued to a profile, latest issued first. */
export async function readPromoCodesOfCustomer(db: Queryable, workspaceId: string, customerKey: string): Promise<PromoCodeView[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT * FROM promo_codes WHERE workspace_id = $1 AND customer_key = $2
      ORDER BY issued_at DESC NULLS LAST, source_name, code`,
    [workspaceId, customerKey],
  );
  return result.rows.map(promoCodeViewOf);
}

function promoCodeViewOf(r: Record<string, unknown>): PromoCodeView {
  return {
    source: String(r.source_name),
    code: String(r.code),
    customerId: (r.customer_key as string | null) ?? null,
    promoId: (r.promo_id as string | null) ?? null,
    status: (r.status as string | null) ?? null,
    discount: numberOrNull(r.discount),
    issuedAt: isoOrNull(r.issued_at),
    usedAt: isoOrNull(r.used_at),
    expiresAt: isoOrNull(r.expires_at),
    updatedAt: isoOrNull(r.updated_at),
  };
}
