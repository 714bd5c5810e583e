import { randomUUID } from 'node:crypto';
import type { Channel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { applyEvents } from '../apply/apply-batch.ts';
import type { CanonicalEvent } from '../events/canonical.ts';
import { forgetAckedBatch, forgetPendingAcksBefore, storeClock } from '../events/pending-acks.ts';
import { parseLoymaxMessage } from '../ingest/loymax/parse.ts';
import { LOYMAX_SOURCE, loymaxToCanonical } from '../ingest/loymax/to-canonical.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { backoffDelay, sleep } from '../retry/backoff.ts';
import type { Store } from '../store/db.ts';
import { isTransientStoreError } from '../store/transient-errors.ts';
import { ackLanded, originalRouteOf, sendToErrorQueue } from './error-queue.ts';

/**
 * One batch of smc.customerEvents from delivery to ack: parse and map
 * (prepareBatch), then dead-letter what cannot be read, apply the rest in one
 * transaction (waiting out store outages, isolating a message that keeps
 * failing), and ack (commitBatch). The consumer decides when; this decides how.
 */

export interface LoymaxBatchOptions {
  workspaceId: string;
  queue: string;
  errorQueue: string;
  maxAttempts: number;
  maxMessageBytes: number;
  reconnectMaxDelayMs: number;
}

export interface LoymaxConsumerDeps {
  store: Store;
  log: Logger;
  metrics: Metrics;
}

/** Thrown inside a batch when it must be abandoned unacked (connection gone, or stopping while the store is down). */
export class BatchAbandoned extends Error {}

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export interface RedeliverySweep {
  /** The store's clock when the session started; null if it could not be read. */
  sessionStartedAt: string | null;
  done: boolean;
}

// How long a stopping process goes on trying to forget an acked batch's records while the store is away.
const FORGET_ON_STOP_MS = 10_000;

// Small slices: a statement's answer for the batch being committed waits at most one slice.
const PARSE_SLICE = 25;

interface Reject {
  message: ConsumeMessage;
  code: string;
  reason: string;
  /** Apply attempts made (none for a message that could not be read). */
  attempts?: number;
}

export interface PreparedBatch {
  messages: ConsumeMessage[];
  pending: Pending[];
  rejects: Reject[];
}

interface Pending {
  message: ConsumeMessage;
  event: CanonicalEvent;
}

export function createLoymaxBatches(options: LoymaxBatchOptions, deps: LoymaxConsumerDeps, isStopping: () => boolean) {
  const { log, metrics } = deps;
  const labels = { source: LOYMAX_SOURCE };

  /**
   * Parses and maps a batch. It yields to the event loop every few messages
   * so that the store's answers for the batch being committed are not kept
   * waiting behind it.
   */
  async function prepareBatch(messages: ConsumeMessage[]): Promise<PreparedBatch> {
    const receivedAt = new Date().toISOString();
    const pending: Pending[] = [];
    const rejects: Reject[] = [];
    for (let i = 0; i < messages.length; i++) {
      if (i > 0 && i % PARSE_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const message = messages[i]!;
      const parsed = parseLoymaxMessage(originalRouteOf(message).routingKey, message.content, options.maxMessageBytes);
      if (!parsed.ok) {
        rejects.push({ message, code: parsed.error.code, reason: parsed.error.reason });
        continue;
      }
      const event = loymaxToCanonical(parsed.value, {
        workspaceId: options.workspaceId,
        messageId: message.properties.messageId ?? null,
        redelivered: message.fields.redelivered,
        receivedAt,
      });
      pending.push({ message, event });
    }
    return { messages, pending, rejects };
  }

  async function commitBatch(
    channel: Channel,
    errorChannel: ConfirmChannel,
    { messages: batch, pending, rejects }: PreparedBatch,
    isLost: () => boolean,
    sweep: RedeliverySweep,
  ): Promise<void> {
    const batchId = randomUUID();
    // The session's start could not be read when it opened (the store away):
    // before this session writes any record, any record there is older.
    if (sweep.sessionStartedAt === null) sweep.sessionStartedAt = await storeClock(deps.store).catch(() => null);
    // Dead letters are sent once the rest is committed, just before the ack:
    // a batch abandoned before (a store outage, a lost connection) is
    // redelivered whole, and must not leave a first copy of them behind.
    const failed = [...rejects];
    const remembered = pending.length > 0 ? await applyWithRetries(pending, batchId, isLost, failed) : 0;
    if (isLost()) throw new BatchAbandoned();
    for (const f of failed) await deadLetter(errorChannel, f.message, f.code, f.reason, f.attempts ?? 0);
    if (isLost()) throw new BatchAbandoned();
    channel.ack(batch[batch.length - 1]!, true);
    // Identity-less events rely on the ack landing (their redelivery records
    // were written or used up in the transaction): wait for the proof, then
    // let the batch's records go. Other batches need no proof; their
    // redeliveries are recognised by id whenever they come.
    if (pending.some((p) => p.event.identityBasis === 'none')) await ackLanded(channel, options.queue);
    if (remembered > 0) await forgetAckedBatchUntilDone(batchId);
    await sweepStalePendingAcks(sweep, batch);
  }

  /**
   * The batch's redelivery records must go before the next batch is
   * applied: left behind, one would take a later, different message with the
   * same body for a copy once redelivered. A failure (the store away) is
   * retried, holding up consumption, until it succeeds; a stopping process
   * goes on trying for FORGET_ON_STOP_MS, then leaves them (see README,
   * "Exactly once", for what that risks).
   */
  async function forgetAckedBatchUntilDone(batchId: string): Promise<void> {
    let giveUpAt = Infinity;
    for (let attempt = 0; ; attempt++) {
      try {
        await forgetAckedBatch(deps.store, options.workspaceId, batchId);
        return;
      } catch (error) {
        if (isStopping()) giveUpAt = Math.min(giveUpAt, Date.now() + FORGET_ON_STOP_MS);
        if (Date.now() >= giveUpAt) {
          log.error({ err: error, batchId }, 'stopping without forgetting an acked batch: until the next session sees a new message, a redelivered identical message could be taken for a copy');
          return;
        }
        const delay = backoffDelay(attempt, 200, options.reconnectMaxDelayMs);
        log.warn({ err: error, delayMs: delay }, 'could not forget an acked batch; retrying before the next batch');
        await sleep(delay);
      }
    }
  }

  /**
   * Requeued messages go back to the head of the queue, so once a session
   * sees a message delivered for the first time, every redelivery from
   * before the session has passed: records older than the session (left by
   * a process that died between its ack and its clean-up) can go.
   */
  async function sweepStalePendingAcks(sweep: RedeliverySweep, batch: ConsumeMessage[]): Promise<void> {
    if (sweep.done || sweep.sessionStartedAt === null || batch.every((m) => m.fields.redelivered)) return;
    sweep.done = true;
    await forgetPendingAcksBefore(deps.store, options.workspaceId, sweep.sessionStartedAt).catch((error: unknown) =>
      log.warn({ err: error }, 'could not sweep stale redelivery records'),
    );
  }

  /** Returns how many identity-less events were remembered under batchId; adds the messages that keep failing to `failed`. */
  async function applyWithRetries(pending: Pending[], batchId: string, isLost: () => boolean, failed: Reject[]): Promise<number> {
    const whole = await applyUntilDone(pending.map((p) => p.event), batchId, isLost);
    if (whole.ok) return whole.pendingAcks;
    let remembered = 0;
    // The batch fails for a reason other than the store being away: find the
    // message(s) at fault by applying one at a time, in order.
    for (const item of pending) {
      for (let attempt = 1; ; attempt++) {
        const single = pending.length === 1 && attempt === 1 ? whole : await applyUntilDone([item.event], batchId, isLost);
        if (single.ok) {
          remembered += single.pendingAcks;
          break;
        }
        if (attempt >= options.maxAttempts) {
          failed.push({ message: item.message, code: 'apply_failed', reason: errorMessage(single.error), attempts: attempt });
          break;
        }
        metrics.retried.inc(labels);
        await sleep(backoffDelay(attempt, 50, 1000));
      }
    }
    return remembered;
  }

  /**
   * Applies events, waiting out store outages (transient errors) for as long
   * as they last; any other error is returned. Throws BatchAbandoned when the
   * broker connection is gone, or the process stops while the store is away
   * (the batch is then redelivered, unacked).
   */
  async function applyUntilDone(
    events: CanonicalEvent[],
    batchId: string,
    isLost: () => boolean,
  ): Promise<{ ok: true; pendingAcks: number } | { ok: false; error: unknown }> {
    for (let outage = 0; ; outage++) {
      if (isLost()) throw new BatchAbandoned();
      const endTimer = metrics.batchSeconds.startTimer(labels);
      try {
        const outcome = await applyEvents(deps.store, options.workspaceId, events, { deliveryBatchId: batchId });
        endTimer();
        metrics.applied.inc(labels, outcome.applied);
        metrics.duplicates.inc(labels, outcome.duplicates);
        return { ok: true, pendingAcks: outcome.pendingAcks ?? 0 };
      } catch (error) {
        if (!isTransientStoreError(error)) {
          log.warn({ err: error, events: events.length }, 'apply failed');
          return { ok: false, error };
        }
        if (isStopping()) throw new BatchAbandoned();
        metrics.retried.inc(labels, events.length);
        const delay = backoffDelay(outage, 200, options.reconnectMaxDelayMs);
        log.warn({ err: error, delayMs: delay }, 'store unavailable; pausing consumption');
        await sleep(delay);
      }
    }
  }

  async function deadLetter(errorChannel: ConfirmChannel, message: ConsumeMessage, code: string, reason: string, attempts: number): Promise<void> {
    await sendToErrorQueue(errorChannel, options.errorQueue, message, { code, reason, attempts });
    metrics.deadLettered.inc({ source: LOYMAX_SOURCE, reason: code });
    log.warn({ code, reason, messageId: message.properties.messageId, routingKey: originalRouteOf(message).routingKey }, 'message sent to the error queue');
  }

  return { prepareBatch, commitBatch };
}
