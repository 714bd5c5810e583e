import type { CustomerRef } from './canonical.ts';

/** A reference to a profile known only by its source and id (no other identity fields). */
export function bareCustomerRef(source: string, externalId: string): CustomerRef {
  return {
    key: `${source}:${externalId}`,
    source,
    externalId,
    uid: null,
    code: null,
    accountGroupId: null,
    identifierId: null,
    mobileDeviceId: null,
    applicationId: null,
  };
}
