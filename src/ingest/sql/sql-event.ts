import type { CanonicalEvent, CustomerRef, ProfileChange } from '../../events/canonical.ts';
import { bareCustomerRef } from '../../events/customer-ref.ts';
import { deriveEventId, hashBody } from '../../events/identity.ts';

/** The source namespace of every SQL-imported profile: `sql:<source name>:<local id>`. */
export const SQL_SOURCE = 'sql';

export interface SqlRowContext {
  workspaceId: string;
  /** The source's name in the job: ids are local to it. */
  sourceName: string;
  receivedAt: string;
  /**
   * The row's cursor value (by date: its change date), part of its event id:
   * the same version read again is a no-op, while a later edit that brings
   * back earlier content (a → b → a) is a new version and is applied.
   */
  rowVersion?: string | null;
  /**
   * The job's tenant filter column: every row of the run holds the job's
   * value, so a mapper that keeps free-form columns (an event's attributes)
   * leaves it out. An entity's own column chosen as the tenant column (a
   * receipt's store_id) is still read as that column.
   */
  tenantColumn?: string | undefined;
}

/** The profile of a customer row's local_id (or another entity's customer_id) in this source. */
export function sqlCustomerRef(context: SqlRowContext, localId: string): CustomerRef {
  return bareCustomerRef(SQL_SOURCE, `${context.sourceName}:${localId}`);
}

/**
 * The subject of a record that belongs to no profile (a product, a category,
 * a receipt line, an unassigned promo code): the source itself. Such events
 * carry a RecordChange; apply hands them to the records projection and never
 * makes a profile of this ref.
 */
export function sqlSourceSubject(context: SqlRowContext): CustomerRef {
  return bareCustomerRef(`${SQL_SOURCE}-source`, context.sourceName);
}

/**
 * Builds the canonical event of one row. Its id derives from the entity, the
 * record's key, the row's version (its cursor value) and its content: the
 * same row read again (a re-run, a look-back, a resumed pack) is a no-op, a
 * changed row is applied.
 */
export function sqlRowEvent(
  context: SqlRowContext,
  entity: string,
  subject: { customer: CustomerRef; recordKey: string; stream: string; occurredAt: string | null },
  content: unknown,
  change: ProfileChange,
): CanonicalEvent {
  const bodyHash = hashBody(JSON.stringify(content));
  const { eventId, identityBasis } = deriveEventId(context.workspaceId, SQL_SOURCE, {
    naturalKey: `${entity}:${subject.recordKey}:${context.rowVersion ?? ''}:${bodyHash}`,
    messageId: null,
  });
  return {
    eventId,
    identityBasis,
    redelivered: false,
    source: SQL_SOURCE,
    routingKey: null,
    eventCode: `sql.${entity}`,
    customer: subject.customer,
    streamKey: `${subject.customer.key}|${subject.stream}`,
    bodyHash,
    messageId: null,
    occurredAt: subject.occurredAt,
    receivedAt: context.receivedAt,
    payload: { entity, source: context.sourceName, ...(content as object) },
    change,
  };
}
