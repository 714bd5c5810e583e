import type { CanonicalEvent, CustomerIdentifier, ProfileField } from '../../events/canonical.ts';
import { fail, ok, type Result } from '../../result.ts';
import { columnWithNul, isZeroDate, normaliseDate, textOf } from './row-values.ts';
import type { SourceRow } from './sql-source.ts';
import { sqlCustomerRef, sqlRowEvent, type SqlRowContext } from './sql-event.ts';

/** The seed's standard customer columns (as the user's query aliases them). */
export const CUSTOMER_COLUMNS = [
  'full_name',
  'first_name',
  'middle_name',
  'last_name',
  'email',
  'phone',
  'sex',
  'birth_date',
  'country',
  'area',
  'city',
  'zip',
  'register_date',
] as const;
const DATE_COLUMNS = new Set(['birth_date', 'register_date']);

/**
 * Maps one customers row to a profileDetailsChanged event: each standard
 * column the query returns becomes a standard profile field (null clears
 * it: a table row is the customer's whole record), e-mail and phone also
 * become identifiers so the profile can be looked up and linked by them.
 *
 * The profile key is `sql:<source>:<local_id>`: local ids are only unique
 * inside the retailer's database. The event id derives from the key and the
 * row's content, so reading the same row again (a re-run, a look-back, a
 * resumed pack) is a no-op, while a changed row is applied.
 */
export function customerRowToCanonical(row: SourceRow, context: SqlRowContext): Result<CanonicalEvent, string> {
  const localId = textOf(row.local_id);
  if (localId === null) return fail('missing local_id');
  const withNul = columnWithNul(row);
  if (withNul !== undefined) return fail(`${withNul} contains a NUL character`);
  const fields: ProfileField[] = [];
  for (const column of CUSTOMER_COLUMNS) {
    if (!(column in row)) continue;
    const cell = textOf(row[column]);
    const raw = cell !== null && DATE_COLUMNS.has(column) && isZeroDate(cell) ? null : cell;
    if (raw !== null && DATE_COLUMNS.has(column)) {
      const date = normaliseDate(raw, column === 'birth_date');
      if (date === null) return fail(`unparseable ${column} "${raw.slice(0, 40)}"`);
      fields.push({ type: 'standard', name: column, value: date });
    } else {
      fields.push({ type: 'standard', name: column, value: raw });
    }
  }
  const identifiers: CustomerIdentifier[] = [];
  for (const f of fields) {
    if (f.name !== 'email' && f.name !== 'phone') continue;
    // An empty cell clears the identifier too, not only the field: lookups must stop finding the old address.
    identifiers.push(f.value === null ? { channel: 'instore', kind: f.name, value: '', single: true, cleared: true } : { channel: 'instore', kind: f.name, value: f.value, single: true });
  }
  const customer = sqlCustomerRef(context, localId);
  return ok(
    sqlRowEvent(
      context,
      'customers',
      { customer, recordKey: customer.key, stream: 'profile', occurredAt: null },
      { localId, fields: Object.fromEntries(fields.map((f) => [f.name, f.value])) },
      { kind: 'profileDetailsChanged', fields, fieldChanges: [], identifiers },
    ),
  );
}
