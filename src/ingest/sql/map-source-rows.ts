import type { CanonicalEvent } from '../../events/canonical.ts';
import { isStorableText, toStorableText } from '../../events/storable-json.ts';
import { fail, type Result } from '../../result.ts';
import { rowMapperOf, type SqlEntity } from './entities.ts';
import type { SourceRow } from './sql-source.ts';

export interface RowRejection {
  /** The row's key column value (null when it has none). */
  key: string | null;
  reason: string;
}

export interface MapRowsContext {
  entity: SqlEntity;
  workspaceId: string;
  sourceName: string;
  receivedAt: string;
  /** The row's cursor value is its version, part of its event id (sql-event.ts). */
  cursorColumn: string;
  /** Names a rejected row in the run report. */
  keyColumn: string;
  /** The tenant filter's column (see SqlRowContext). */
  tenantColumn?: string | undefined;
}

/**
 * Translates a slice of source rows into canonical events with the entity's
 * mapper, or rejects each row that cannot be one with its reason. Checked for
 * every entity before its mapper: a binary cell or text the store cannot keep
 * (NUL, an unpaired surrogate) would otherwise fail the pack's store
 * transaction on every run instead of rejecting its row.
 */
export function mapSourceRows(rows: readonly SourceRow[], context: MapRowsContext): { events: CanonicalEvent[]; rejections: RowRejection[] } {
  const events: CanonicalEvent[] = [];
  const rejections: RowRejection[] = [];
  const mapRow = rowMapperOf(context.entity);
  if (!mapRow) throw new Error(`entity "${context.entity}" is not importable`);
  for (const source of rows) {
    const row = withBitsAsNumbers(source);
    const binary = Object.keys(row).find((column) => row[column] instanceof Uint8Array);
    const unstorable = Object.keys(row).find((column) => typeof row[column] === 'string' && !isStorableText(row[column] as string));
    const rowContext = {
      workspaceId: context.workspaceId,
      sourceName: context.sourceName,
      receivedAt: context.receivedAt,
      rowVersion: keyOf(row[context.cursorColumn]),
      tenantColumn: context.tenantColumn,
    };
    const mapped: Result<CanonicalEvent, string> = binary
      ? fail(`${binary} is binary; cast it to text in the query`)
      : unstorable
        ? fail(`${unstorable} contains ${(row[unstorable] as string).includes('\u0000') ? 'a NUL character' : 'an unpaired surrogate'} (the store cannot keep it)`)
        : mapRow(row, rowContext);
    if (mapped.ok) {
      events.push(mapped.value);
    } else {
      const key = keyOf(row[context.keyColumn] ?? row.local_id);
      // The report keeps them in jsonb: the key may be what made the row unstorable, a reason may quote a cut value.
      rejections.push({ key: key === null ? null : toStorableText(key.slice(0, 200)), reason: toStorableText(mapped.error.slice(0, 500)) });
    }
  }
  return { events, rejections };
}

/** MySQL BIT(1) (a flag) arrives as a one-byte buffer: it is read as the number it holds. */
function withBitsAsNumbers(row: SourceRow): SourceRow {
  let copy: SourceRow | null = null;
  for (const [column, value] of Object.entries(row)) {
    if (value instanceof Uint8Array && value.length === 1) (copy ??= { ...row })[column] = value[0];
  }
  return copy ?? row;
}

const keyOf = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
