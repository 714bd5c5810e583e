import { applyEventsInTransaction } from '../apply/apply-batch.ts';
import { fail, ok, type Result } from '../result.ts';
import { bonusAccountEvents } from './bonus-account-events.ts';
import type { Store } from '../store/db.ts';
import { activateIfNew, readBonusCustomer } from './bonus-customers-table.ts';
import type { CustomerStatus } from './command-types.ts';
import type { ExactDecimal } from './decimal-units.ts';
import { showMessages, type ShownMessage } from './messages-table.ts';

export interface Authorisation {
  login: string;
  status: CustomerStatus;
  /** This authorisation turned a New customer Active. */
  activated: boolean;
  balance: ExactDecimal;
  messages: ShownMessage[];
}

/**
 * What the bonus window calls when a customer authorises (by the unique link
 * or by themselves). Seed 3.3: that activates a New customer. Seed 4: the
 * information messages are shown, each counted once per authorisation until
 * showCount or showTill. A Blocked customer (3.4) is refused and sees nothing.
 */
export async function authoriseCustomer(
  store: Store,
  workspaceId: string,
  uniqId: string,
  at: Date = new Date(),
): Promise<Result<Authorisation, 'customer_not_found' | 'customer_blocked'>> {
  const iso = at.toISOString();
  return store.transaction(async (tx) => {
    const customer = await readBonusCustomer(tx, workspaceId, uniqId, true);
    if (!customer) return fail('customer_not_found' as const);
    if (customer.status === 'Blocked') return fail('customer_blocked' as const);
    const activated = await activateIfNew(tx, workspaceId, uniqId, iso);
    // The status change reaches the profile like every other account change (bonus-account-events.ts).
    if (activated) {
      const account = { uniqId, phone: customer.phone, email: customer.email, status: 'Active' as const, activatedAt: iso, blockedAt: null };
      await applyEventsInTransaction(tx, workspaceId, bonusAccountEvents(workspaceId, [account], iso));
    }
    const messages = await showMessages(tx, workspaceId, uniqId, iso);
    return ok({ login: uniqId, status: 'Active' as const, activated, balance: customer.balance, messages });
  });
}
