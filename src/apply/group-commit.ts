import type { CanonicalEvent } from '../events/canonical.ts';
import type { ApplyOutcome } from './apply-batch.ts';

/**
 * Group commit for callers that each bring a few events and must know they
 * are stored before answering (webhook requests): while a workspace's
 * transaction is running, newly submitted events wait and go together into
 * the next one (across processes, the accept lock keeps the log's order that
 * of the commits, which the background projection relies on). A quiet
 * workspace pays no wait (the first submission starts at once, after the
 * current turn of the event loop so that submissions arriving together
 * share it); a busy one gets large batches.
 */
export interface GroupCommitter {
  /** Resolves once the events are committed (or were already in the log). */
  submit(workspaceId: string, events: readonly CanonicalEvent[]): Promise<void>;
  /** Waits for everything submitted so far. */
  close(): Promise<void>;
}

export interface GroupCommitOptions {
  /** The most events one transaction takes (more wait for the next). */
  maxBatchEvents?: number;
  /** Told about every committed transaction (metrics, waking the projection). */
  onCommit?: (workspaceId: string, outcome: ApplyOutcome, seconds: number) => void;
}

interface Submission {
  events: readonly CanonicalEvent[];
  resolve(): void;
  reject(error: unknown): void;
}

/** `write` stores one group's events in one transaction (acceptEvents). */
export type GroupWrite = (workspaceId: string, events: readonly CanonicalEvent[]) => Promise<ApplyOutcome>;

export function createGroupCommitter(write: GroupWrite, options: GroupCommitOptions = {}): GroupCommitter {
  const maxBatchEvents = options.maxBatchEvents ?? 2000;
  const queues = new Map<string, Submission[]>();
  const running = new Map<string, Promise<void>>();

  async function drain(workspaceId: string): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    const queue = queues.get(workspaceId)!;
    while (queue.length > 0) {
      const batch: Submission[] = [];
      let size = 0;
      while (queue.length > 0 && (batch.length === 0 || size + queue[0]!.events.length <= maxBatchEvents)) {
        const next = queue.shift()!;
        batch.push(next);
        size += next.events.length;
      }
      await commit(workspaceId, batch);
    }
    queues.delete(workspaceId);
    running.delete(workspaceId);
  }

  async function commit(workspaceId: string, batch: readonly Submission[]): Promise<void> {
    const started = performance.now();
    let outcome: ApplyOutcome;
    try {
      outcome = await write(workspaceId, batch.flatMap((s) => s.events));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One submission's failure must not fail the others: retry each alone.
      for (const s of batch) await commit(workspaceId, [s]);
      return;
    }
    // Committed: every submission is answered as stored, whatever the metrics callback does.
    for (const s of batch) s.resolve();
    try {
      options.onCommit?.(workspaceId, outcome, (performance.now() - started) / 1000);
    } catch {
      // metrics and the projection's wake: neither may undo an answer already given
    }
  }

  return {
    submit(workspaceId, events) {
      if (events.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        let queue = queues.get(workspaceId);
        if (!queue) queues.set(workspaceId, (queue = []));
        queue.push({ events, resolve, reject });
        if (!running.has(workspaceId)) running.set(workspaceId, drain(workspaceId));
      });
    },
    async close() {
      await Promise.all(running.values());
    },
  };
}
