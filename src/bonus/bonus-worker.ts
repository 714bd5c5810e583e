import type { Logger } from 'pino';
import { toStorableText } from '../events/storable-json.ts';
import { backoffDelay } from '../retry/backoff.ts';
import { isTransientStoreError } from '../store/transient-errors.ts';
import type { Store } from '../store/db.ts';
import { recordCommandFailure } from './commands-table.ts';
import { BonusBatchError, processNextBatch, refreshStatistics } from './process-commands.ts';

export interface BonusWorkerOptions {
  /** Items per transaction (whole commands; at least one command). */
  batchSize: number;
  /** How long to wait before looking again when nothing is queued. */
  pollMs: number;
  /** Failures of one command processed alone before it is given up (its items: Failure, processingError). */
  maxAttempts: number;
  retryMaxDelayMs: number;
}

/**
 * Items processed before the worker ANALYZEs the bonus customers (see
 * refreshStatistics); the interval doubles each time, as the table's growth
 * matters less and less to its statistics.
 */
const FIRST_ANALYZE_AFTER = 10_000;
const LAST_ANALYZE_INTERVAL = 1_000_000;

export interface BonusWorker {
  /** Finishes the batch in hand (its transaction commits or rolls back whole), then resolves. */
  stop(): Promise<void>;
}

/**
 * The background process of the bonus commands: processes queued items batch
 * after batch, and polls when the queue is empty. Any number of workers (in
 * any number of processes) may run; they take turns per workspace.
 *
 * A store outage pauses it with backoff. Any other failure of a batch is
 * narrowed down: the next commands go one at a time, and a command that fails
 * alone maxAttempts times is recorded as failed so the queue moves on.
 */
export function startBonusWorker(options: BonusWorkerOptions, deps: { store: Store; log: Logger }): BonusWorker {
  const { store, log } = deps;
  let stopping = false;
  let wakeUp: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });

  const loop = async () => {
    let failures = 0;
    // After a batch failed for a reason other than the store, this many items go one command at a time.
    let oneByOneFor = 0;
    let itemsSinceAnalyze = 0;
    let analyzeAfter = FIRST_ANALYZE_AFTER;
    while (!stopping) {
      const batchSize = oneByOneFor > 0 ? 1 : options.batchSize;
      try {
        const result = await processNextBatch(store, batchSize);
        if (result.processed === 0) {
          await pause(options.pollMs);
          continue;
        }
        log.debug({ workspace: result.workspaceId, items: result.processed, accruals: result.accruals }, 'bonus batch processed');
        failures = 0;
        oneByOneFor = Math.max(0, oneByOneFor - result.processed);
        itemsSinceAnalyze += result.processed;
        if (itemsSinceAnalyze >= analyzeAfter && analyzeAfter <= LAST_ANALYZE_INTERVAL) {
          itemsSinceAnalyze = 0;
          analyzeAfter *= 2;
          await refreshStatistics(store).catch((error: unknown) => log.warn({ err: error }, 'could not analyze the bonus customers'));
        }
      } catch (error) {
        if (stopping) break;
        failures += 1;
        const cause = error instanceof BonusBatchError ? error.cause : error;
        const transient = isTransientStoreError(cause);
        log.error({ err: cause, failures, batchSize, transient }, 'bonus batch failed; it will be retried');
        if (!transient && batchSize > 1) {
          // find the command at fault one item at a time, each with its own attempts
          oneByOneFor = options.batchSize;
          failures = 0;
        }
        if (!transient && batchSize === 1 && failures >= options.maxAttempts && error instanceof BonusBatchError) {
          await giveUpCommand(store, log, error).catch((e: unknown) => log.error({ err: e }, 'could not record the failed command'));
          failures = 0;
          continue;
        }
        await pause(backoffDelay(failures - 1, 100, options.retryMaxDelayMs));
      }
    }
  };
  const running = loop();

  return {
    async stop() {
      stopping = true;
      wakeUp?.();
      await running;
    },
  };
}

/** Records the command that keeps failing alone as failed, so the queue moves on. */
async function giveUpCommand(store: Store, log: Logger, failure: BonusBatchError): Promise<void> {
  log.error({ workspace: failure.workspaceId, command: failure.commandId }, 'bonus command given up after repeated failures');
  await recordCommandFailure(
    store,
    failure.workspaceId,
    failure.commandId,
    // the database's message may quote the value at fault, which may be the very text it could not store
    { typeOfError: 'processingError', description: toStorableText(`the command could not be processed: ${failure.message}`) },
    new Date().toISOString(),
  );
}
