import type { Channel } from 'amqplib';
import { LOYMAX_BINDING_KEYS } from '../ingest/loymax/routing-keys.ts';

export interface LoymaxTopology {
  exchange: string;
  queue: string;
  errorQueue: string;
}

/**
 * Declares what the SmartCommunications plugin creates on the loyalty
 * system's broker: the durable topic exchange, the dedicated durable queue
 * bound with exactly the contract's routing keys (no wildcards, so other
 * events on the exchange never reach it), and smartcom's error queue.
 * Idempotent: run at every start.
 */
export async function applyLoymaxTopology(channel: Channel, topology: LoymaxTopology): Promise<void> {
  await channel.assertExchange(topology.exchange, 'topic', { durable: true });
  await channel.assertQueue(topology.queue, { durable: true });
  for (const key of LOYMAX_BINDING_KEYS) await channel.bindQueue(topology.queue, topology.exchange, key);
  await channel.assertQueue(topology.errorQueue, { durable: true });
}
