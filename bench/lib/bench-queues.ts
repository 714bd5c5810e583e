import amqp from 'amqplib';
import { openLoymaxPublisher } from '../../src/broker/publish-loymax.ts';
import { applyLoymaxTopology, type LoymaxTopology } from '../../src/broker/topology.ts';
import { generateLoymaxEvents } from './generate-loymax-events.ts';

export interface Backlog {
  published: number;
  /** Messages in the queue once every publish is confirmed. */
  queued: number;
  seconds: number;
}

/**
 * Declares the topology and fills its queue with the generator's events
 * (publisher confirms), so a consumer started afterwards finds a backlog.
 * The same seed always gives the same messages.
 */
export async function publishBacklog(url: string, topology: LoymaxTopology, events: number, customers: number, seed = 1): Promise<Backlog> {
  await withChannel(url, (channel) => applyLoymaxTopology(channel, topology));
  const publisher = await openLoymaxPublisher(url, topology.exchange);
  const started = performance.now();
  let published: number;
  try {
    published = await publisher.publish(generateLoymaxEvents({ events, customers, seed }));
  } finally {
    await publisher.close().catch(() => {});
  }
  const seconds = (performance.now() - started) / 1000;
  return { published, queued: await messagesIn(url, topology.queue), seconds };
}

export async function messagesIn(url: string, queue: string): Promise<number> {
  return withChannel(url, async (channel) => (await channel.checkQueue(queue)).messageCount);
}

/** Resolves as soon as the queue has a consumer: the moment a consumer "starts" for the bench. */
export async function waitForConsumer(url: string, queue: string, timeoutMs = 120_000, everyMs = 10): Promise<void> {
  await withChannel(url, async (channel) => {
    const deadline = Date.now() + timeoutMs;
    while ((await channel.checkQueue(queue)).consumerCount === 0) {
      if (Date.now() > deadline) throw new Error(`no consumer on ${queue} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  });
}

async function withChannel<T>(url: string, fn: (channel: amqp.Channel) => Promise<T>): Promise<T> {
  const connection = await amqp.connect(url);
  // A failed operation (the queue deleted by a cleanup meanwhile) rejects the call; it must not also crash the process.
  connection.on('error', () => {});
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => {});
    return await fn(channel);
  } finally {
    await connection.close().catch(() => {});
  }
}
