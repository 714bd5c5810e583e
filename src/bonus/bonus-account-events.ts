import type { CanonicalEvent, CustomerIdentifier, ProfileField } from '../events/canonical.ts';
import { bareCustomerRef } from '../events/customer-ref.ts';
import { deriveEventId, hashBody } from '../events/identity.ts';
import { BONUS_SOURCE } from './bonus-customers-table.ts';
import type { CustomerState } from './plan-batch.ts';

/**
 * The bonus API is a source like the others: what its commands change about
 * a customer's identity (an account created, its phone, e-mail or status
 * changed) reaches the profile `bonus:<uniqId>` as a canonical event through
 * the one apply pipeline, never by writing profile tables here. The phone and
 * e-mail become the profile's fields and identifiers (lookups, identity
 * links); balances and operations stay in the bonus ledger, which the
 * profile reads.
 *
 * The stage-two transaction runs once per batch, so each account's change in
 * it is one event: its id derives from the account, the batch time and the
 * content (a later batch that blocks the account again is a new event).
 */
export function bonusAccountEvents(workspaceId: string, accounts: readonly CustomerState[], at: string): CanonicalEvent[] {
  return accounts.map((account) => {
    const customer = bareCustomerRef(BONUS_SOURCE, account.uniqId);
    const fields: ProfileField[] = [
      { type: 'standard', name: 'phone', value: account.phone },
      { type: 'standard', name: 'email', value: account.email },
    ];
    // A phone or e-mail the account gave up (another account took it) is cleared, not left to be found.
    const identifiers: CustomerIdentifier[] = fields.map((f) =>
      f.value === null ? { channel: 'instore', kind: f.name, value: '', single: true, cleared: true } : { channel: 'instore', kind: f.name, value: f.value, single: true },
    );
    const payload = { uniqId: account.uniqId, phone: account.phone, email: account.email, status: account.status };
    const bodyHash = hashBody(JSON.stringify(payload));
    const { eventId, identityBasis } = deriveEventId(workspaceId, BONUS_SOURCE, { naturalKey: `account:${account.uniqId}:${at}:${bodyHash}`, messageId: null });
    return {
      eventId,
      identityBasis,
      redelivered: false,
      source: BONUS_SOURCE,
      routingKey: null,
      eventCode: 'bonus.accountChanged',
      customer,
      streamKey: `${customer.key}|profile`,
      bodyHash,
      messageId: null,
      occurredAt: at,
      receivedAt: at,
      payload,
      change: { kind: 'profileDetailsChanged', fields, fieldChanges: [], identifiers },
    };
  });
}
