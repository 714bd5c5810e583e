import { randomUUID } from 'node:crypto';
import { applyEventsInTransaction } from '../apply/apply-batch.ts';
import { lookBackCursor } from '../ingest/sql/look-back.ts';
import { countRowsAfter, readNextPack, type Pack } from '../ingest/sql/read-next-pack.ts';
import { mapSourceRows, type MapRowsContext } from '../ingest/sql/map-source-rows.ts';
import type { SourceRow, SqlSource } from '../ingest/sql/sql-source.ts';
import type { Store } from '../store/db.ts';
import {
  advanceCursor,
  claimRun,
  finishRun,
  readRun,
  recordPack,
  type PackTally,
  type RunReport,
} from './import-state-table.ts';
import { packSpecOf, startFromOf, type ImportJob } from './job-config.ts';

export interface ImportDeps {
  store: Store;
  source: SqlSource;
  /**
   * Count the rows to read before the first pack (one count query on the
   * source) so that progress can tell a share and an ETA; the CLI does.
   */
  countRows?: boolean;
  /** Throws to refuse the run (after its claim, so the refusal is in its report): an API job's host is checked again here. */
  preflight?: () => Promise<void>;
  /** Called once the run has its cursor (and its count), before the first pack. */
  onStart?: (progress: RunProgress) => void;
  /** Called after every stored pack (the CLI prints a progress line). */
  onPack?: (progress: RunProgress) => void;
  now?: () => Date;
  /** The run's id, when the caller must know it before the run ends (run now over HTTP, the heartbeat); default a fresh UUID. */
  runId?: string;
  /** Aborted: the run stops after the pack in hand (the service is stopping); the next run resumes after it. */
  signal?: AbortSignal;
}

export interface RunProgress {
  packs: number;
  rowsRead: number;
  rowsStored: number;
  rowsRejected: number;
  cursor: string | null;
  /** The rows there were to read when the run started (countRows), null when not counted; rows arriving meanwhile are read too. */
  rowsToRead: number | null;
  /** Why the count failed, when it did (the run goes on without it). */
  countProblem?: string;
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
 * Memory stays flat: the rows of two packs at most (the one being stored
 * and the next one, read meanwhile) and the events of two slices (the one
 * being written and the next one, mapped meanwhile).
 */
export async function runImportJob(job: ImportJob, deps: ImportDeps): Promise<RunReport> {
  const now = deps.now ?? (() => new Date());
  const runId = deps.runId ?? randomUUID();
  const { store, source } = deps;
  // stored: where the job stands; readAfter: where the next read starts (earlier with a look-back window).
  // The cursor is read under the claim: a run of another process that ends just before cannot leave this one behind it.
  const claim = await claimRun(store, { id: runId, workspaceId: job.workspace, job: job.name, entity: job.entity, startedAt: now().toISOString() });
  if (!claim.claimed) return (await readRun(store, runId))!;
  let stored = claim.cursor;
  const spec = packSpecOf(job);
  const progress: RunProgress = { packs: 0, rowsRead: 0, rowsStored: 0, rowsRejected: 0, cursor: stored?.value ?? null, rowsToRead: null };
  try {
    await deps.preflight?.();
    const readAfter = stored && job.lookBack > 0 ? lookBackCursor(stored, job.lookBack) : stored;
    if (stored && !readAfter) throw new Error(`a look-back window needs a number or a timestamp cursor, not "${stored.value}"`);
    if (deps.countRows) {
      progress.rowsToRead = await countRowsAfter(source, spec, readAfter, startFromOf(job)).catch((error: unknown) => {
        progress.countProblem = (error as Error).message;
        return null;
      });
    }
    deps.onStart?.({ ...progress });
    let next: Promise<Pack> | null = readNextPack(source, spec, readAfter, startFromOf(job));
    try {
      while (next) {
        if (deps.signal?.aborted) throw new StoppedBetweenPacks();
        const pack: Pack = await next;
        if (pack.rows.length === 0) break;
        // The next pack is read while this one is stored: the source and the
        // store work at once. Its cursor condition starts after this pack; if
        // this pack fails to store, the run stops and the read is dropped.
        next = pack.last ? null : readNextPack(source, spec, pack.cursor, startFromOf(job));
        next?.catch(() => {});
        const from = stored;
        const tally = await store.transaction(async (tx) => {
          // Mapped and applied in slices, all in the pack's one transaction:
          // memory holds a pack's rows and two slices of events (a mapped
          // event weighs ~20 times its row), not the whole pack's.
          const counted: PackTally = { read: pack.rows.length, stored: 0, unchanged: 0, rejections: [], cursor: pack.cursor };
          const mapContext = {
            entity: job.entity,
            workspaceId: job.workspace,
            sourceName: job.source.name,
            receivedAt: now().toISOString(),
            cursorColumn: job.cursorColumn,
            keyColumn: job.keyColumn,
            tenantColumn: job.tenant?.column,
          };
          // The next slice is mapped while the store writes this one: mapping
          // is this process's work and the writes are the database's, so on
          // two cores they overlap instead of taking turns.
          let mapped = mapSourceRows(pack.rows.slice(0, APPLY_SLICE), mapContext);
          for (let i = 0; i < pack.rows.length; i += APPLY_SLICE) {
            const applying = applyEventsInTransaction(tx, job.workspace, mapped.events);
            const following = i + APPLY_SLICE < pack.rows.length ? mapYielding(pack.rows.slice(i + APPLY_SLICE, i + 2 * APPLY_SLICE), mapContext) : null;
            // Both settle before either's failure leaves the transaction: a
            // write still under way when it rolls back would go on outside it.
            const [written, mappedNext] = await Promise.allSettled([applying, following]);
            if (written.status === 'rejected') throw written.reason;
            if (mappedNext.status === 'rejected') throw mappedNext.reason;
            const outcome = written.value;
            counted.stored += outcome.applied;
            counted.unchanged += outcome.duplicates;
            counted.rejections.push(...mapped.rejections);
            if (mappedNext.value) mapped = mappedNext.value;
          }
          await advanceCursor(tx, job.workspace, job.name, from, pack.cursor);
          await recordPack(tx, runId, counted);
          return counted;
        });
        stored = pack.cursor;
        progress.packs += 1;
        progress.rowsRead += tally.read;
        progress.rowsStored += tally.stored;
        progress.rowsRejected += tally.rejections.length;
        progress.cursor = stored?.value ?? null;
        deps.onPack?.({ ...progress });
      }
    } finally {
      // A read still under way when the run stops must end before the caller closes the source.
      await next?.catch(() => {});
    }
    await finishRun(store, runId, { status: 'succeeded', error: null, finishedAt: now().toISOString() });
  } catch (error) {
    const status = error instanceof StoppedBetweenPacks ? 'stopped' : 'failed';
    await finishRun(store, runId, { status, error: (error as Error).message, finishedAt: now().toISOString() });
  }
  return (await readRun(store, runId))!;
}

/** The run was asked to stop (the service is stopping): not a failure, the next run goes on from here. */
class StoppedBetweenPacks extends Error {
  constructor() {
    super('stopped between packs (the process was asked to stop); the next run resumes after the last stored pack');
  }
}

// Rows mapped and applied at a time inside a pack's transaction (see runImportJob).
const APPLY_SLICE = 1000;
// Rows mapped between two turns of the event loop while a slice is written: the write's round trips go on meanwhile.
const MAP_TURN = 100;

async function mapYielding(rows: readonly SourceRow[], context: MapRowsContext): Promise<ReturnType<typeof mapSourceRows>> {
  const whole: ReturnType<typeof mapSourceRows> = { events: [], rejections: [] };
  for (let i = 0; i < rows.length; i += MAP_TURN) {
    await new Promise((resolve) => setImmediate(resolve));
    const part = mapSourceRows(rows.slice(i, i + MAP_TURN), context);
    whole.events.push(...part.events);
    whole.rejections.push(...part.rejections);
  }
  return whole;
}
