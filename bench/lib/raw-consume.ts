import amqp from 'amqplib';

// The same window and ack batch as smartcom's consumer defaults (src/config/config.ts), so the ratio compares like with like.
export const RAW_PREFETCH = 5000;
const ACK_EVERY = 2500;
const STALL_MS = 30_000;

/**
 * The broker's own ceiling on this machine: takes `expected` messages off a
 * queue with manual acks (one multiple-ack per 2,500) and no processing at
 * all. Timed from the consume call to the last delivery.
 */
export async function measureRawConsume(url: string, queue: string, expected: number): Promise<{ seconds: number; perSecond: number }> {
  const connection = await amqp.connect(url, { clientProperties: { connection_name: 'smartcom bench raw consumer' } });
  connection.on('error', () => {});
  try {
    const channel = await connection.createChannel();
    await channel.prefetch(RAW_PREFETCH);
    let received = 0;
    let stall: NodeJS.Timeout | undefined;
    const started = performance.now();
    const finished = await new Promise<number>((resolve, reject) => {
      const stalled = () => reject(new Error(`raw consume stalled at ${received}/${expected} messages`));
      stall = setTimeout(stalled, STALL_MS);
      connection.once('close', () => reject(new Error('raw consume: the broker closed the connection')));
      channel
        .consume(queue, (message) => {
          if (message === null) return reject(new Error('raw consume: the broker cancelled the consumer'));
          received += 1;
          if (received % ACK_EVERY === 0 || received === expected) channel.ack(message, true);
          if (received === expected) return resolve(performance.now());
          stall?.refresh();
        })
        .catch(reject);
    }).finally(() => clearTimeout(stall));
    const seconds = (finished - started) / 1000;
    return { seconds, perSecond: expected / seconds };
  } finally {
    await connection.close().catch(() => {});
  }
}
