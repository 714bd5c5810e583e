import type { Queryable } from '../store/db.ts';
import { BONUS_SOURCE, readBonusCustomer, type BonusCustomerRow } from './bonus-customers-table.ts';
import type { ExactDecimal } from './decimal-units.ts';
import { countMessagesToShow } from './messages-table.ts';

/** The read side of a bonus account: the balance read and the `bonus` section of the customer profile. */

export interface BonusAccountView {
  login: string;
  status: BonusCustomerRow['status'];
  /** The sum of the customer's ledger operations. */
  balance: ExactDecimal;
  phone: string | null;
  email: string | null;
  createdAt: string;
  activatedAt: string | null;
  blockedAt: string | null;
  messagesToShow: number;
}

export async function readBonusAccount(db: Queryable, workspaceId: string, uniqId: string, now: Date = new Date()): Promise<BonusAccountView | null> {
  const [customer, messagesToShow] = await Promise.all([
    readBonusCustomer(db, workspaceId, uniqId),
    countMessagesToShow(db, workspaceId, uniqId, now.toISOString()),
  ]);
  if (!customer) return null;
  const { uniqId: login, ...rest } = customer;
  return { login, ...rest, messagesToShow };
}

/** The profile's `bonus` section: set on profiles of source `bonus` (id `bonus:<uniqId>`), null on others. */
export async function readBonusSection(db: Queryable, workspaceId: string, customerKey: string): Promise<BonusAccountView | null> {
  const prefix = `${BONUS_SOURCE}:`;
  if (!customerKey.startsWith(prefix)) return null;
  return readBonusAccount(db, workspaceId, customerKey.slice(prefix.length));
}
