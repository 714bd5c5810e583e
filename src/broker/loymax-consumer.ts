import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { storeClock } from '../events/pending-acks.ts';
import { LOYMAX_SOURCE } from '../ingest/loymax/to-canonical.ts';
import { backoffDelay, sleep } from '../retry/backoff.ts';
import { ackLanded } from './error-queue.ts';
import { BatchAbandoned, createLoymaxBatches, type LoymaxConsumerDeps, type PreparedBatch, type RedeliverySweep } from './loymax-batches.ts';
import { applyLoymaxTopology, type LoymaxTopology } from './topology.ts';

export type { LoymaxConsumerDeps } from './loymax-batches.ts';

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

export type ConsumerState = 'connecting' | 'standby' | 'consuming' | 'stopped';

export interface LoymaxConsumer {
  state(): ConsumerState;
  /** Stops taking messages, applies and acks what is in hand, closes the connection. */
  stop(): Promise<void>;
  /** Resolves once the consumer is the active consumer of the queue (for tests and tools). */
  whenConsuming(): Promise<void>;
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
  let state: ConsumerState = 'connecting';
  let stopping = false;
  const { prepareBatch, commitBatch } = createLoymaxBatches(options, deps, () => stopping);
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
      // The batch after the one being committed, parsed while the store works.
      let next: Promise<PreparedBatch> | null = null;
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
        metrics.consumed.inc({ source: LOYMAX_SOURCE });
        // A full batch arriving while another is committed is parsed at once,
        // not when the commit ends: parsing is then off the store's path.
        if (draining && buffer.length >= options.batchSize) prepareAhead();
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
            if (lost) {
              buffer.length = 0;
              next = null;
            }
            else if (buffer.length >= options.batchSize) kick();
            else if (buffer.length > 0) timer ??= setTimeout(kick, options.batchWaitMs);
          });
      }

      // Batches are committed strictly one after another; the next one is
      // parsed while the store works on the current one.
      async function drain(): Promise<void> {
        while (next || buffer.length > 0) {
          if (lost) throw new BatchAbandoned();
          // Taken before waiting: a batch prepared ahead meanwhile is the next one.
          const taken = next ?? prepareBatch(buffer.splice(0, options.batchSize));
          next = null;
          const current = await taken;
          const committing = commitBatch(channel, errorChannel, current, () => lost, sweep);
          prepareAhead();
          await committing;
        }
      }

      function prepareAhead(): void {
        if (next || buffer.length === 0) return;
        next = prepareBatch(buffer.splice(0, options.batchSize));
        // if the commit fails, drain ends and this batch is redelivered; never an unhandled rejection
        next.catch(() => {});
      }

      const finished = closed.then(async () => {
        clearInterval(lagTimer);
        if (timer) clearTimeout(timer);
        // The next session must not apply the redelivered copies of a batch
        // this one is still committing: wait for it to settle first.
        while (draining) await draining;
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
