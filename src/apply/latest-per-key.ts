/**
 * One row per key, the one that sorts last: a batch may carry several
 * events for one record, and one INSERT ... ON CONFLICT may touch a row only
 * once. What is stored then decides against this row by the same order (the
 * table's WHERE guard).
 */
export function latestPerKey<T>(rows: readonly T[], keyOf: (row: T) => string, compare: (a: T, b: T) => number): T[] {
  const latest = new Map<string, T>();
  for (const row of rows) {
    const key = keyOf(row);
    const kept = latest.get(key);
    if (kept === undefined || compare(row, kept) >= 0) latest.set(key, row);
  }
  return [...latest.values()];
}

export const bySeq = (a: { event_seq: number }, b: { event_seq: number }): number => a.event_seq - b.event_seq;
