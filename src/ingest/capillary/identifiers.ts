import type { CustomerIdentifier, CustomerRef } from '../../events/canonical.ts';
import { bareCustomerRef } from '../../events/customer-ref.ts';
import { identifierKindOf } from '../../events/identifier-kinds.ts';
import type { ChannelAccounts, CustomerIdentifiers } from './schemas.ts';

export const CAPILLARY_SOURCE = 'capillary';

/** Capillary customers live in their own namespace: `capillary:<customerId>`. */
export function capillaryCustomer(ids: CustomerIdentifiers): CustomerRef {
  return bareCustomerRef(CAPILLARY_SOURCE, String(ids.customerId).trim());
}

// Keys of customerIdentifiers that are not channels.
const NOT_CHANNELS = new Set(['customerId', 'firstName', 'lastName', 'loyaltyType', 'instore']);

/**
 * Every identifier in a customerIdentifiers block. The instore mobile,
 * e-mail, external id, card external id and instore id are the customer's
 * one value of their kind (a newer one replaces them); card numbers and
 * channel accounts accumulate.
 */
export function identifiersOf(ids: CustomerIdentifiers): CustomerIdentifier[] {
  const found = new Map<string, CustomerIdentifier>();
  const add = (channel: string, kind: string, raw: unknown, single: boolean) => {
    const value = textOf(raw);
    if (value === null || kind === '') return;
    found.set(`${channel}\u0000${kind}\u0000${value}`, { channel, kind, value, single });
  };
  const instore = ids.instore;
  if (instore) {
    add('instore', 'accountId', instore.id, true);
    add('instore', 'phone', instore.mobile, true);
    add('instore', 'email', instore.email, true);
    add('instore', 'externalId', instore.externalId, true);
    add('instore', 'cardExternalId', instore.cardexternalid, true);
    add('instore', 'card', instore.cardnumber, false);
    add('instore', 'card', instore.card_number, false); // the spelling of the documentation's parameter table
    for (const card of instore.cardNumbers ?? []) add('instore', 'card', card, false);
  }
  for (const [channel, block] of Object.entries(ids)) {
    if (NOT_CHANNELS.has(channel) || !isChannel(block)) continue;
    for (const account of block.accounts ?? []) {
      add(channel, 'accountId', account.accountId, false);
      for (const identifier of account.identifiers ?? []) {
        if (typeof identifier.identifierType === 'string') add(channel, identifierKindOf(identifier.identifierType), identifier.identifierValue, false);
      }
    }
  }
  return [...found.values()];
}

// Checked by parse (checkChannels) before this runs.
const isChannel = (value: unknown): value is ChannelAccounts => typeof value === 'object' && value !== null && 'accounts' in value;

function textOf(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
