import { fail, ok, type Result } from '../result.ts';

/**
 * The opaque cursor of a catalogue list: the (source, local id) of the
 * page's last entry, as base64url JSON. Paging by key rather than by offset
 * keeps pages stable while an import adds entries.
 */
export interface PageKey {
  source: string;
  id: string;
}

export function encodePageCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify([key.source, key.id])).toString('base64url');
}

export function decodePageCursor(cursor: string): Result<PageKey, string> {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2) {
      const [source, id] = value as unknown[];
      const text = (v: unknown): v is string => typeof v === 'string' && !v.includes('\u0000');
      if (text(source) && text(id)) return ok({ source, id });
    }
  } catch {
    // falls through: not a cursor this API gave
  }
  return fail('cursor is not one this API returned (use nextCursor of the previous page)');
}

/** The cursor of the next page: set when the page is full (there may be more). */
export function nextCursorOf<T>(rows: readonly T[], limit: number, keyOf: (row: T) => PageKey): string | null {
  const last = rows.at(-1);
  return rows.length === limit && last !== undefined ? encodePageCursor(keyOf(last)) : null;
}
