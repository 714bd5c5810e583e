import type { CanonicalEvent, CustomerIdentifier, ProfileField } from '../../events/canonical.ts';
import { bareCustomerRef } from '../../events/customer-ref.ts';
import { deriveEventId, hashBody } from '../../events/identity.ts';
import { fail, ok, type Result } from '../../result.ts';
import type { SourceRow } from './sql-source.ts';

export const SQL_SOURCE = 'sql';

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

export interface SqlRowContext {
  workspaceId: string;
  /** The source's name in the job: customer ids are local to it. */
  sourceName: string;
  receivedAt: string;
}

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
  // PostgreSQL text cannot hold NUL (MySQL's can): one such row must be a
  // rejected row, not a pack that fails on every run.
  const withNul = Object.keys(row).find((column) => typeof row[column] === 'string' && (row[column] as string).includes('\u0000'));
  if (withNul !== undefined) return fail(`${withNul} contains a NUL character`);
  const fields: ProfileField[] = [];
  for (const column of CUSTOMER_COLUMNS) {
    if (!(column in row)) continue;
    const raw = textOf(row[column]);
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
    if ((f.name === 'email' || f.name === 'phone') && f.value !== null) identifiers.push({ channel: 'instore', kind: f.name, value: f.value, single: true });
  }
  const customer = bareCustomerRef(SQL_SOURCE, `${context.sourceName}:${localId}`);
  const bodyHash = hashBody(JSON.stringify(fields));
  const { eventId, identityBasis } = deriveEventId(context.workspaceId, SQL_SOURCE, { naturalKey: `customers:${customer.key}:${bodyHash}`, messageId: null });
  return ok({
    eventId,
    identityBasis,
    redelivered: false,
    source: SQL_SOURCE,
    routingKey: null,
    eventCode: 'sql.customers',
    customer,
    streamKey: `${customer.key}|profile`,
    bodyHash,
    messageId: null,
    occurredAt: null,
    receivedAt: context.receivedAt,
    payload: { entity: 'customers', source: context.sourceName, localId, fields: Object.fromEntries(fields.map((f) => [f.name, f.value])) },
    change: { kind: 'profileDetailsChanged', fields, fieldChanges: [], identifiers },
  });
}

function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  const text = String(value).trim();
  return text === '' ? null : text;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * A birth date as YYYY-MM-DD; a registration date as ISO time (UTC when the
 * source gives no zone) or a plain date. Anything else is rejected: a wrong
 * date in a profile is worse than a reported row.
 */
export function normaliseDate(text: string, dateOnly: boolean): string | null {
  const plain = DATE_ONLY.exec(text);
  if (plain) return isRealDate(+plain[1]!, +plain[2]!, +plain[3]!) ? text : null;
  const stamped = DATE_TIME.exec(text);
  if (!stamped) return null;
  const [y, m, d] = stamped[1]!.split('-').map(Number) as [number, number, number];
  if (!isRealDate(y, m, d)) return null;
  if (dateOnly) return stamped[1]!;
  const zone = stamped[3] ? (stamped[3].length === 3 ? `${stamped[3]}:00` : stamped[3]) : 'Z';
  const time = Date.parse(`${stamped[1]}T${stamped[2]}${zone}`);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function isRealDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
