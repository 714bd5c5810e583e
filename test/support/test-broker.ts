import { randomBytes } from 'node:crypto';
import amqp, { type GetMessage } from 'amqplib';
import type { LoymaxTopology } from '../../src/broker/topology.ts';

export const TEST_AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Exchange and queue names of their own for one test, so tests never share a queue. */
export function uniqueTopology(prefix = 'smct'): LoymaxTopology {
  const id = randomBytes(5).toString('hex');
  return { exchange: `${prefix}.${id}.events`, queue: `${prefix}.${id}.customerEvents`, errorQueue: `${prefix}.${id}.customerEvents.errors` };
}

export async function deleteTopology(topology: LoymaxTopology): Promise<void> {
  const connection = await amqp.connect(TEST_AMQP_URL);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => {});
    await channel.deleteQueue(topology.queue).catch(() => {});
    await channel.deleteQueue(topology.errorQueue).catch(() => {});
    await channel.deleteExchange(topology.exchange).catch(() => {});
  } finally {
    await connection.close().catch(() => {});
  }
}

export async function queueDepth(queue: string): Promise<number> {
  const connection = await amqp.connect(TEST_AMQP_URL);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await connection.close().catch(() => {});
  }
}

/** Takes every message off a queue (acking them) and returns them. */
export async function drainQueue(queue: string): Promise<GetMessage[]> {
  const connection = await amqp.connect(TEST_AMQP_URL);
  const messages: GetMessage[] = [];
  try {
    const channel = await connection.createChannel();
    for (;;) {
      const message = await channel.get(queue, { noAck: true });
      if (message === false) break;
      messages.push(message);
    }
  } finally {
    await connection.close().catch(() => {});
  }
  return messages;
}
