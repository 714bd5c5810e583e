import type { CanonicalEvent } from '../../events/canonical.ts';
import { fail, ok, type Result } from '../../result.ts';
import { instant, readRequiredColumns, text } from './row-columns.ts';
import { textOf } from './row-values.ts';
import { sqlCustomerRef, sqlRowEvent, type SqlRowContext } from './sql-event.ts';
import type { SourceRow } from './sql-source.ts';

/** The columns an events row is read by; every other column is an attribute. */
const EVENT_STANDARD_COLUMNS = {
  localId: text('local_id'),
  customerId: text('customer_id'),
  eventType: text('event_type'),
  occurredAt: instant('date'),
};
const EVENT_COLUMNS = new Set(Object.values(EVENT_STANDARD_COLUMNS).map((spec) => spec.column));

/**
 * Maps one events row (a visit, a review, an app install the retailer
 * recorded) to a customerEventRecorded event on the customer's profile. The
 * event log is its history (GET /v1/customers/:id/events); no other table
 * keeps it. Columns beyond the standard four are the event's attributes, as
 * text: each retailer records different things, and an empty cell is no
 * attribute.
 */
export function eventRowToCanonical(row: SourceRow, context: SqlRowContext): Result<CanonicalEvent, string> {
  const read = readRequiredColumns(row, EVENT_STANDARD_COLUMNS, ['localId', 'customerId', 'eventType']);
  if (!read.ok) return read;
  const { localId, customerId, eventType, occurredAt } = read.value;

  const attributes: Record<string, string> = {};
  for (const [column, value] of Object.entries(row)) {
    if (EVENT_COLUMNS.has(column) || column === context.tenantColumn) continue;
    // A binary cell has no faithful text form (and may hold NUL bytes the store refuses): the query should cast it.
    if (value instanceof Uint8Array) return fail(`${column} is binary; cast it to text in the query`);
    const text = value !== null && typeof value === 'object' && !(value instanceof Date) ? JSON.stringify(value) : textOf(value);
    if (text !== null) attributes[column] = text;
  }
  const customer = sqlCustomerRef(context, customerId);
  const eventKey = `${context.sourceName}:${localId}`;
  return ok(
    sqlRowEvent(
      context,
      'events',
      { customer, recordKey: eventKey, stream: `event|${eventKey}`, occurredAt },
      { localId, customerId, eventType, date: occurredAt, attributes },
      { kind: 'customerEventRecorded', eventType, attributes },
    ),
  );
}
