import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics.ts';
import { backoffDelay, sleep } from '../retry/backoff.ts';
import type { Store } from '../store/db.ts';
import { isTransientStoreError } from '../store/transient-errors.ts';
import { projectAppended } from './apply-batch.ts';
import { redactFailureOfErased } from './pii-erasure.ts';
import { readQueued, recordProjectionFailure, removeQueued, workspacesWithQueuedEvents, type QueuedEvent } from './projection-queue-table.ts';
import { failedEventStub, keysNamedBy, withoutQuotedValues } from './redact-failed-event.ts';
import { lockWorkspaceForApply } from './workspace-lock.ts';
import { largestLagGauge } from '../metrics/largest-lag.ts';

/**
 * The background projection of accepted events (accept-events.ts): per
 * workspace, it takes the oldest queued events, projects them in one
 * transaction under the workspace's apply lock (the same lock every other
 * writer takes, so several processes can run it) and deletes them from the
 * queue in that transaction. It wakes when told that events were queued, on
 * start (events left by a process that stopped), and every few seconds
 * (events queued by another process).
 *
 * An outage (isTransientStoreError) is retried with backoff. Any other
 * failure is one event's: the batch is projected again event by event, and
 * the event that fails alone is moved to projection_failures with its reason
 * (`smartcom projection failures`), so that it cannot hold back the rest.
 */
export interface BackgroundProjection {
  /** Events were queued for this workspace. */
  wake(workspaceId: string): void;
  /** Stops after the batch in hand; what is left stays queued for the next start. */
  stop(): Promise<void>;
}

export interface BackgroundProjectionOptions {
  /** Events projected per transaction. */
  batchSize?: number;
  /** How often queues are looked at without being told (events of other processes). */
  pollMs?: number;
  retryMaxDelayMs?: number;
}

interface Lane {
  running: Promise<void>;
  /** Woken while running: look again once done. */
  again: boolean;
}

export function startBackgroundProjection(
  store: Store,
  deps: { log: Logger | null; metrics: Metrics },
  options: BackgroundProjectionOptions = {},
): BackgroundProjection {
  const batchSize = options.batchSize ?? 2000;
  const lanes = new Map<string, Lane>();
  const setLag = largestLagGauge(deps.metrics.projectionLag);
  let stopped = false;
  // Ends a backoff wait at once when the service stops (a store outage must not hold up the stop).
  let wakeFromBackoff: () => void = () => {};
  const stopping = new Promise<void>((resolve) => (wakeFromBackoff = resolve));

  const wake = (workspaceId: string) => {
    if (stopped) return;
    const lane = lanes.get(workspaceId);
    if (lane) {
      lane.again = true;
      return;
    }
    const fresh: Lane = { running: Promise.resolve(), again: false };
    lanes.set(workspaceId, fresh);
    fresh.running = drain(workspaceId, fresh).finally(() => release(workspaceId, fresh));
  };

  async function drain(workspaceId: string, lane: Lane): Promise<void> {
    // After the current turn of the event loop: events accepted together go in one batch.
    await new Promise((resolve) => setImmediate(resolve));
    let outages = 0;
    do {
      lane.again = false;
      try {
        while (!stopped && (await projectNextBatch(workspaceId)) === batchSize);
        outages = 0;
      } catch (error) {
        if (stopped) return;
        deps.log?.warn({ err: error, workspaceId }, 'projecting accepted events failed; retrying');
        lane.again = true;
        await Promise.race([sleep(backoffDelay(outages++, 250, options.retryMaxDelayMs ?? 30_000)), stopping]);
      }
    } while (lane.again && !stopped);
    // In the same turn as the last look at `again`: a wake from now on starts a new lane instead of being lost on this one.
    release(workspaceId, lane);
  }

  function release(workspaceId: string, lane: Lane): void {
    if (lanes.get(workspaceId) === lane) lanes.delete(workspaceId);
  }

  /** Projects up to batchSize queued events; returns how many it took. */
  async function projectNextBatch(workspaceId: string): Promise<number> {
    const started = performance.now();
    try {
      const taken = await store.transaction(async (tx) => {
        await lockWorkspaceForApply(tx, workspaceId);
        const queued = await readQueued(tx, workspaceId, batchSize);
        if (queued.length > 0) {
          observeLag(workspaceId, queued[0]!);
          await projectAppended(tx, workspaceId, queued);
          await removeQueued(tx, workspaceId, queued.map((q) => q.seq));
        }
        return queued.length;
      });
      if (taken > 0) deps.metrics.batchSeconds.observe(LABELS, (performance.now() - started) / 1000);
      if (taken < batchSize) setLag(workspaceId, 0);
      return taken;
    } catch (error) {
      if (isTransientStoreError(error)) throw error;
      await isolateFailures(workspaceId);
      return batchSize;
    }
  }

  /** Projects the next batch one event per transaction; an event that fails alone goes to projection_failures. */
  async function isolateFailures(workspaceId: string): Promise<void> {
    const queued = await store.transaction((tx) => readQueued(tx, workspaceId, batchSize));
    for (const one of queued) {
      if (stopped) return;
      try {
        await store.transaction(async (tx) => {
          await lockWorkspaceForApply(tx, workspaceId);
          if ((await readQueued(tx, workspaceId, 1))[0]?.seq !== one.seq) return; // taken meanwhile by another process
          await projectAppended(tx, workspaceId, [one]);
          await removeQueued(tx, workspaceId, [one.seq]);
        });
      } catch (error) {
        if (isTransientStoreError(error)) throw error;
        await recordFailure(workspaceId, one, (error as Error).message);
        deps.metrics.projectionFailures.inc(LABELS);
        // The reason without the values it quotes: the log is out of reach of a later erasure.
        const reason = { code: (error as { code?: string }).code, message: withoutQuotedValues((error as Error).message) };
        deps.log?.error({ reason, workspaceId, seq: one.seq, eventCode: one.event.eventCode }, 'an accepted event could not be projected; it is kept in projection_failures');
      }
    }
  }

  async function recordFailure(workspaceId: string, one: QueuedEvent, reason: string): Promise<void> {
    try {
      await store.transaction(async (tx) => {
        // under the apply lock, so an erasure projected meanwhile either sees this failure or is seen by it
        await lockWorkspaceForApply(tx, workspaceId);
        await recordProjectionFailure(tx, workspaceId, one, reason);
        await redactFailureOfErased(tx, workspaceId, keysNamedBy(one.event));
      });
    } catch (error) {
      if (isTransientStoreError(error)) throw error;
      // The event is too malformed to redact: whom it names is unknown, so only its stub is kept (failedEventStub says why).
      const stub = failedEventStub(String(one.event?.customer?.key), one.event);
      await store.transaction(async (tx) => {
        await lockWorkspaceForApply(tx, workspaceId);
        await recordProjectionFailure(tx, workspaceId, { seq: one.seq, event: stub }, withoutQuotedValues(reason));
        await redactFailureOfErased(tx, workspaceId, [stub.customer.key]); // its payload in the log, if it is an erased customer's
      });
      deps.log?.error({ reason: withoutQuotedValues((error as Error).message), workspaceId, seq: one.seq }, 'a failed event could not be redacted; only its stub is kept in projection_failures');
    }
  }

  function observeLag(workspaceId: string, oldest: QueuedEvent) {
    const receivedAt = Date.parse(oldest.event.receivedAt);
    // a retried stub (redact-failed-event.ts) has no time
    if (Number.isFinite(receivedAt)) setLag(workspaceId, Math.max(0, (Date.now() - receivedAt) / 1000));
  }

  const poll = async () => {
    try {
      for (const workspaceId of await workspacesWithQueuedEvents(store)) wake(workspaceId);
    } catch (error) {
      deps.log?.warn({ err: error }, 'looking for queued events failed');
    }
  };
  void poll();
  const timer = setInterval(() => void poll(), options.pollMs ?? 5000);
  timer.unref();

  return {
    wake,
    async stop() {
      stopped = true;
      wakeFromBackoff();
      clearInterval(timer);
      await Promise.all([...lanes.values()].map((lane) => lane.running));
    },
  };
}

const LABELS = { source: 'projection' };
