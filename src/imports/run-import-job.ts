import { randomUUID } from 'node:crypto';
import { applyEventsInTransaction } from '../apply/apply-batch.ts';
import type { CanonicalEvent } from '../events/canonical.ts';
import { rowMapperOf } from '../ingest/sql/entities.ts';
import { lookBackCursor } from '../ingest/sql/look-back.ts';
import { readNextPack } from '../ingest/sql/read-next-pack.ts';
import type { SourceRow, SqlSource } from '../ingest/sql/sql-source.ts';
import type { Store } from '../store/db.ts';
import {
  advanceCursor,
  finishRun,
  readCursor,
  readRun,
  recordPack,
  startRun,
  type PackTally,
  type Rejection,
  type RunReport,
} from './import-state-table.ts';
import { packSpecOf, startFromOf, type ImportJob } from './job-config.ts';

export interface ImportDeps {
  store: Store;
  source: SqlSource;
  /** Called after every stored pack (the CLI prints a progress line). */
  onPack?: (progress: RunProgress) => void;
  now?: () => Date;
}

export interface RunProgress {
  packs: number;
  rowsRead: number;
  rowsStored: number;
  rowsRejected: number;
  cursor: string | null;
}

/**
 * Runs an import job until the source has nothing new: read a pack after the
 * stored cursor, map its rows, and in ONE store transaction apply the events,
 * advance the cursor and count the pack in the run report. A crash or a
 * source failure between packs loses nothing and doubles nothing: the next
 * run starts after the last stored pack, and re-read rows would collide on
 * their deterministic event ids anyway. Rejected rows are reported and
 * passed (the cursor moves past them); they never stop the run.
 *
 * Memory stays flat: one pack of rows is held at a time.
 */
export async function runImportJob(job: ImportJob, deps: ImportDeps): Promise<RunReport> {
  const now = deps.now ?? (() => new Date());
  const runId = randomUUID();
  const { store, source } = deps;
  // stored: where the job stands; readAfter: where the next read starts (earlier with a look-back window).
  let stored = await readCursor(store, job.workspace, job.name);
  await startRun(store, { id: runId, workspaceId: job.workspace, job: job.name, entity: job.entity, startedAt: now().toISOString(), cursor: stored });
  const spec = packSpecOf(job);
  const progress: RunProgress = { packs: 0, rowsRead: 0, rowsStored: 0, rowsRejected: 0, cursor: stored?.value ?? null };
  try {
    let readAfter = stored && job.lookBack > 0 ? lookBackCursor(stored, job.lookBack) : stored;
    if (stored && !readAfter) throw new Error(`a look-back window needs a number or a timestamp cursor, not "${stored.value}"`);
    for (;;) {
      const pack = await readNextPack(source, spec, readAfter, startFromOf(job));
      if (pack.rows.length === 0) break;
      const { events, rejections } = mapRows(job, pack.rows, now().toISOString());
      const from = stored;
      const tally = await store.transaction(async (tx) => {
        const outcome = await applyEventsInTransaction(tx, job.workspace, events);
        await advanceCursor(tx, job.workspace, job.name, from, pack.cursor);
        const counted: PackTally = { read: pack.rows.length, stored: outcome.applied, unchanged: outcome.duplicates, rejections, cursor: pack.cursor };
        await recordPack(tx, runId, counted);
        return counted;
      });
      stored = pack.cursor;
      readAfter = pack.cursor;
      progress.packs += 1;
      progress.rowsRead += tally.read;
      progress.rowsStored += tally.stored;
      progress.rowsRejected += tally.rejections.length;
      progress.cursor = stored?.value ?? null;
      deps.onPack?.({ ...progress });
      if (pack.last) break;
    }
    await finishRun(store, runId, { status: 'succeeded', error: null, finishedAt: now().toISOString() });
  } catch (error) {
    await finishRun(store, runId, { status: 'failed', error: (error as Error).message, finishedAt: now().toISOString() });
  }
  return (await readRun(store, runId))!;
}

function mapRows(job: ImportJob, rows: readonly SourceRow[], receivedAt: string): { events: CanonicalEvent[]; rejections: Rejection[] } {
  const events: CanonicalEvent[] = [];
  const rejections: Rejection[] = [];
  const context = { workspaceId: job.workspace, sourceName: job.source.name, receivedAt };
  const mapRow = rowMapperOf(job.entity);
  if (!mapRow) throw new Error(`entity "${job.entity}" is not importable`);
  for (const row of rows) {
    const mapped = mapRow(row, context);
    if (mapped.ok) events.push(mapped.value);
    else rejections.push({ key: keyOf(row[job.keyColumn] ?? row.local_id), reason: mapped.error });
  }
  return { events, rejections };
}

const keyOf = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
