import type { CanonicalEvent, CustomerRef } from '../events/canonical.ts';

/** One profile merged into another, as the store's rows name them (both live profiles at that point). */
export interface MergePair {
  from_key: string;
  into_key: string;
}

export interface PlannedMerge extends MergePair {
  seq: number;
  merged_at: string;
}

export type MergeEvent = CanonicalEvent & { change: { kind: 'profilesMerged' } };

/**
 * Orders a batch's merges into waves that can each be applied with one
 * statement per table. Within a wave no profile takes part in two merges, so
 * applying its merges together is applying them one by one; a merge that
 * touches a profile of the current wave (A into B, then B into C) starts the
 * next. A merge of a profile into itself (a repeat, a merge back) moves
 * nothing and is left out. `resolve` (key -> the live profile it was merged
 * into) is updated as the merges would update it.
 */
export function planMergeWaves(merges: ReadonlyArray<{ event: MergeEvent; seq: number }>, resolve: Map<string, string>): PlannedMerge[][] {
  const waves: PlannedMerge[][] = [];
  let wave: PlannedMerge[] = [];
  let inWave = new Set<string>();
  for (const { event, seq } of merges) {
    const fromKey = resolve.get(event.customer.key) ?? event.customer.key;
    const intoKey = resolve.get(event.change.into.key) ?? event.change.into.key;
    if (fromKey === intoKey) continue;
    if (inWave.has(fromKey) || inWave.has(intoKey)) {
      waves.push(wave);
      wave = [];
      inWave = new Set();
    }
    wave.push({ from_key: fromKey, into_key: intoKey, seq, merged_at: event.receivedAt });
    inWave.add(fromKey).add(intoKey);
    for (const [key, target] of resolve) if (target === fromKey) resolve.set(key, intoKey);
    resolve.set(fromKey, intoKey);
    resolve.set(event.customer.key, intoKey);
  }
  if (wave.length > 0) waves.push(wave);
  return waves;
}

/** Every profile the merges name, once (its first reference, and when that was heard). */
export function mergedProfiles(merges: ReadonlyArray<{ event: MergeEvent }>): Array<{ ref: CustomerRef; at: string }> {
  const refs = new Map<string, { ref: CustomerRef; at: string }>();
  for (const { event } of merges) {
    for (const ref of [event.customer, event.change.into]) if (!refs.has(ref.key)) refs.set(ref.key, { ref, at: event.receivedAt });
  }
  return [...refs.values()];
}

/**
 * Merge pairs as a statement's rows `m (from_key, into_key)`, from $2 and
 * $3: unnest over arrays, whose length the planner sees. It takes
 * json_to_recordset for 100 rows, and joined with a table it has no
 * statistics of yet (a new store filling fast) it then scans the whole
 * table instead of looking up a few keys.
 */
export const MERGE_PAIRS = 'unnest($2::text[], $3::text[]) AS m(from_key, into_key)';

export const mergePairParams = (workspaceId: string, pairs: readonly MergePair[]): unknown[] => [
  workspaceId,
  pairs.map((p) => p.from_key),
  pairs.map((p) => p.into_key),
];
