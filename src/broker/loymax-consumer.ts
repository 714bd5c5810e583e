import { randomUUID } from 'node:crypto';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { applyEvents } from '../apply/apply-batch.ts';
import type { CanonicalEvent } from '../events/canonical.ts';
import { parseLoymaxMessage } from '../ingest/loymax/parse.ts';
import { LOYMAX_SOURCE, loymaxToCanonical } from '../ingest/loymax/to-canonical.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Store } from '../store/db.ts';
import { backoffDelay, sleep } from './backoff.ts';
import { ackLanded, sendToErrorQueue } from './error-queue.ts';
import { forgetAckedBatch, forgetPendingAcksBefore, storeClock } from '../events/pending-acks.ts';
import { applyLoymaxTopology, type LoymaxTopology } from './topology.ts';
import { isTransientStoreError } from './transient-errors.ts';

export interface LoymaxConsumerOptions extends LoymaxTopology {
  url: string;
  workspaceId: string;
  prefetch: number;
  batchSize: number;
  batchWaitMs: number;
  maxAttempts: number;
  maxMessageBytes: number;
  standbyRetryMs: number;
  reconnectMaxDelayMs: number;
}

export interface LoymaxConsumerDeps {
  store: Store;
  log: Logger;
  metrics: Metrics;
}

export type ConsumerState = 'connecting' | 'standby' | 'consuming' | 'stopped';

export interface LoymaxConsumer {
  state(): ConsumerState;
  /** Stops taking messages, applies and acks what is in hand, closes the connection. */
  stop(): Promise<void>;
  /** Resolves once the consumer is the active consumer of the queue (for tests and tools). */
  whenConsuming(): Promise<void>;
}

/** Thrown inside a batch when it must be abandoned unacked (connection gone, or stopping while the store is down). */
class BatchAbandoned extends Error {}

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

interface RedeliverySweep {
  /** The store's clock when the session started; null if it could not be read. */
  sessionStartedAt: string | null;
  done: boolean;
}

// Small slices: a statement's answer for the batch being committed waits at most one slice.
const PARSE_SLICE = 25;

interface Reject {
  message: ConsumeMessage;
  code: string;
  reason: string;
}

interface PreparedBatch {
  messages: ConsumeMessage[];
  pending: Pending[];
  rejects: Reject[];
}

interface Pending {
  message: ConsumeMessage;
  event: CanonicalEvent;
}

/**
 * Consumes smc.customerEvents: manual acks, a prefetch window, batches
 * applied in one transaction each and acked only after commit. Exactly one
 * consumer is active per queue (an exclusive consume); a second process
 * stands by and takes over when the first goes away, so a customer's events
 * are never applied out of order by two processes.
 */
export function startLoymaxConsumer(options: LoymaxConsumerOptions, deps: LoymaxConsumerDeps): LoymaxConsumer {
  const { log, metrics } = deps;
  const labels = { source: LOYMAX_SOURCE };
  let state: ConsumerState = 'connecting';
  let stopping = false;
  let current: Session | null = null;
  let onConsuming: Array<() => void> = [];

  const setState = (next: ConsumerState) => {
    state = next;
    metrics.consumerActive.set({ queue: options.queue }, next === 'consuming' ? 1 : 0);
    if (next === 'consuming') {
      for (const resolve of onConsuming) resolve();
      onConsuming = [];
    }
  };

  const supervisor = (async () => {
    let failures = 0;
    let standingBy = false;
    while (!stopping) {
      // A standby trying to take over stays 'standby' (ready) until it either
      // takes over or fails to reach the broker.
      if (!standingBy) setState('connecting');
      try {
        current = await openSession();
        failures = 0;
        // stop() came while the session was opening, when there was none to stop
        if (stopping) await current.stop();
        const outcome = await current.finished;
        current = null;
        if (outcome === 'standby') {
          standingBy = true;
          setState('standby');
          await sleep(options.standbyRetryMs);
          continue;
        }
      } catch (error) {
        current = null;
        log.warn({ err: error }, 'broker session failed');
      }
      standingBy = false;
      if (stopping) break;
      setState('connecting');
      const delay = backoffDelay(failures++, 250, options.reconnectMaxDelayMs);
      log.info({ delayMs: delay }, 'reconnecting to the broker');
      await sleep(delay);
    }
    setState('stopped');
  })();

  interface Session {
    finished: Promise<'closed' | 'standby' | 'stopped'>;
    stop(): Promise<void>;
  }

  async function openSession(): Promise<Session> {
    const connection: ChannelModel = await amqp.connect(options.url, { clientProperties: { connection_name: 'smartcom loymax consumer' } });
    connection.on('error', (error) => log.warn({ err: error }, 'broker connection error'));
    let lost = false;
    const closed = new Promise<void>((resolve) =>
      connection.once('close', () => {
        lost = true;
        resolve();
      }),
    );
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => {});
      await applyLoymaxTopology(channel, options);
      const errorChannel = await connection.createConfirmChannel();
      errorChannel.on('error', (error) => log.warn({ err: error }, 'error-queue channel error'));
      await channel.prefetch(options.prefetch);
      const sweep: RedeliverySweep = { sessionStartedAt: await storeClock(deps.store).catch(() => null), done: false };
      // A channel the broker closes (an ack it refuses, its consumer_timeout)
      // takes the consumer with it while the connection stays up: close the
      // connection too, so the session ends and the supervisor starts over.
      for (const ch of [channel, errorChannel]) ch.once('close', () => void connection.close().catch(() => {}));

      // Declared before consuming: the broker may deliver a backlog before
      // channel.consume() resolves.
      const buffer: ConsumeMessage[] = [];
      let draining: Promise<void> | null = null;
      let timer: NodeJS.Timeout | null = null;
      let consumerTag: string;
      try {
        ({ consumerTag } = await channel.consume(options.queue, (m) => onDelivery(m), { exclusive: true }));
      } catch (error) {
        if ((error as { code?: number }).code === 403) {
          log.info('another consumer holds the queue; standing by');
          await connection.close().catch(() => {});
          return { finished: Promise.resolve('standby'), stop: async () => {} };
        }
        throw error;
      }
      setState('consuming');
      log.info({ queue: options.queue }, 'consuming');

      const lagTimer = setInterval(() => void pollLag(connection), 5000);

      function onDelivery(message: ConsumeMessage | null): void {
        if (message === null) {
          // the broker cancelled us (queue deleted): start over
          void connection.close().catch(() => {});
          return;
        }
        buffer.push(message);
        metrics.consumed.inc(labels);
        if (buffer.length >= options.batchSize) kick();
        else timer ??= setTimeout(kick, options.batchWaitMs);
      }

      function kick(): void {
        if (timer) clearTimeout(timer);
        timer = null;
        if (draining) return;
        draining = drain()
          .catch((error) => {
            if (!(error instanceof BatchAbandoned)) log.error({ err: error }, 'batch failed; closing the connection so it is redelivered');
            // Nothing more is applied from this connection: what it delivered comes back.
            lost = true;
            void connection.close().catch(() => {});
          })
          .finally(() => {
            draining = null;
            // Kicking again with the connection gone would throw BatchAbandoned
            // at once and kick again: a microtask loop that starves the process.
            if (lost) buffer.length = 0;
            else if (buffer.length >= options.batchSize) kick();
            else if (buffer.length > 0) timer ??= setTimeout(kick, options.batchWaitMs);
          });
      }

      // Batches are committed strictly one after another; the next one is
      // parsed while the store works on the current one.
      async function drain(): Promise<void> {
        let next: Promise<PreparedBatch> | null = null;
        while (next || buffer.length > 0) {
          if (lost) throw new BatchAbandoned();
          const current = await (next ?? prepareBatch(buffer.splice(0, options.batchSize)));
          next = null;
          const committing = commitBatch(channel, errorChannel, current, () => lost, sweep);
          if (buffer.length > 0) {
            next = prepareBatch(buffer.splice(0, options.batchSize));
            // if the commit fails, drain ends and this batch is redelivered; never an unhandled rejection
            next.catch(() => {});
          }
          await committing;
        }
      }

      const finished = closed.then(() => {
        clearInterval(lagTimer);
        if (timer) clearTimeout(timer);
        return stopping ? ('stopped' as const) : ('closed' as const);
      });

      return {
        finished,
        async stop() {
          await channel.cancel(consumerTag).catch(() => {});
          if (timer) clearTimeout(timer);
          timer = null;
          // finish what is in hand: the running batch, then the rest of the buffer
          while (draining || (buffer.length > 0 && !lost)) {
            if (!draining) kick();
            await draining;
          }
          // the last ack must not be overtaken by the connection's close
          if (!lost) await ackLanded(channel, options.queue).catch(() => {});
          await connection.close().catch(() => {});
          await finished;
        },
      };
    } catch (error) {
      await connection.close().catch(() => {});
      throw error;
    }
  }

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
      const parsed = parseLoymaxMessage(message.fields.routingKey, message.content, options.maxMessageBytes);
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
    for (const r of rejects) await deadLetter(errorChannel, r.message, r.code, r.reason, 0);
    const remembered = pending.length > 0 ? await applyWithRetries(errorChannel, pending, batchId, isLost) : 0;
    if (isLost()) throw new BatchAbandoned();
    channel.ack(batch[batch.length - 1]!, true);
    // Identity-less events rely on the ack landing (their redelivery records
    // were written or used up in the transaction): wait for the proof, then
    // let the batch's records go. Other batches need no proof; their
    // redeliveries are recognised by id whenever they come.
    if (pending.some((p) => p.event.identityBasis === 'none')) await ackLanded(channel, options.queue);
    if (remembered > 0) {
      await forgetAckedBatch(deps.store, options.workspaceId, batchId).catch((error: unknown) =>
        log.warn({ err: error }, 'could not forget an acked batch; a later redelivery of an identical message could be taken for a copy'),
      );
    }
    await sweepStalePendingAcks(sweep, batch);
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

  /** Returns how many identity-less events were remembered under batchId. */
  async function applyWithRetries(errorChannel: ConfirmChannel, pending: Pending[], batchId: string, isLost: () => boolean): Promise<number> {
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
          await deadLetter(errorChannel, item.message, 'apply_failed', errorMessage(single.error), attempt);
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
        if (stopping) throw new BatchAbandoned();
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
    log.warn({ code, reason, messageId: message.properties.messageId, routingKey: message.fields.routingKey }, 'message sent to the error queue');
  }

  async function pollLag(connection: ChannelModel): Promise<void> {
    let channel: Channel | null = null;
    try {
      channel = await connection.createChannel();
      channel.on('error', () => {});
      const { messageCount } = await channel.checkQueue(options.queue);
      metrics.consumerLag.set({ queue: options.queue }, messageCount);
    } catch {
      // lag is best effort; the next poll tries again
    } finally {
      await channel?.close().catch(() => {});
    }
  }

  return {
    state: () => state,
    whenConsuming: () => (state === 'consuming' ? Promise.resolve() : new Promise((resolve) => onConsuming.push(resolve))),
    async stop() {
      stopping = true;
      await current?.stop();
      await supervisor;
    },
  };
}
