import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import amqp from 'amqplib';
import pino from 'pino';
import { startLoymaxConsumer, type LoymaxConsumer } from '../src/broker/loymax-consumer.ts';
import { listErrorEntries } from '../src/broker/error-queue.ts';
import { openLoymaxPublisher } from '../src/broker/publish-loymax.ts';
import { createMetrics } from '../src/metrics/metrics.ts';
import type { Store } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { openPostgresStore } from '../src/store/postgres-store.ts';
import { createWorkspace } from '../src/workspaces/workspaces.ts';
import { deleteTopology, queueDepth, TEST_AMQP_URL, uniqueTopology } from './support/test-broker.ts';
import { createTestDatabase, type TestDatabase } from './support/test-database.ts';
import { waitFor } from './support/wait-for.ts';

// Messages without an identity of their own (a card block has no id) are
// told from their redelivered copies by the consumer's records of deliveries
// whose ack may not have landed. These tests break the store at the worst
// moments, over the real broker, and count what ends up applied and
// dead-lettered.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TIMEOUT = { timeout: 60_000 };

interface Rig {
  base: Store;
  /** The consumer's store: transactions fail while `outage` is set; the next `failForgets` clean-ups of acked batches fail. */
  store: Store;
  faults: { outage: boolean; failForgets: number };
  topology: ReturnType<typeof uniqueTopology>;
  start(): Promise<LoymaxConsumer>;
}

const rigs: Array<{ db: TestDatabase; base: Store; topology: ReturnType<typeof uniqueTopology> }> = [];
after(async () => {
  for (const { db, base, topology } of rigs) {
    await deleteTopology(topology);
    await base.close();
    await db.drop();
  }
});

async function rig(): Promise<Rig> {
  const db = await createTestDatabase();
  const base = openPostgresStore(db.url, 4);
  await migrate(base);
  await createWorkspace(base, 'default');
  const topology = uniqueTopology('smcredeliver');
  rigs.push({ db, base, topology });
  const faults = { outage: false, failForgets: 0 };
  const outage = () => Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
  const store: Store = {
    kind: base.kind,
    query: ((sql: string, params?: unknown[]) => {
      if (faults.failForgets > 0 && /DELETE FROM pending_acks WHERE workspace_id = \$1 AND batch_id/.test(sql)) {
        faults.failForgets--;
        return Promise.reject(outage());
      }
      return base.query(sql, params);
    }) as Store['query'],
    copyInto: (table, columns, text) => base.copyInto(table, columns, text),
    transaction: ((fn: Parameters<Store['transaction']>[0]) => (faults.outage ? Promise.reject(outage()) : base.transaction(fn))) as Store['transaction'],
    close: async () => {},
  };
  const options = {
    url: TEST_AMQP_URL,
    workspaceId: 'default',
    ...topology,
    prefetch: 100,
    batchSize: 50,
    batchWaitMs: 20,
    maxAttempts: 3,
    maxMessageBytes: 1 << 20,
    standbyRetryMs: 200,
    reconnectMaxDelayMs: 300,
  };
  const start = async () => {
    const consumer = startLoymaxConsumer(options, { store, log: pino({ level: 'silent' }), metrics: createMetrics() });
    await consumer.whenConsuming();
    return consumer;
  };
  return { base, store, faults, topology, start };
}

const block = (cardNumber: string, blocked: boolean) => ({
  targetBlockState: blocked,
  cardInfo: { cardId: 13, cardNumber },
  customerInfo: { customerId: 900, customerUid: null },
  eventCode: blocked ? 'OnBlockCard' : 'OnUnblockCard',
});
const eventCount = async (base: Store) => Number((await base.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]!.n);
const blocked = async (base: Store, cardNumber: string) =>
  (await base.query<{ blocked: boolean }>('SELECT blocked FROM cards WHERE card_number = $1', [cardNumber])).rows[0]?.blocked;

test("an acked batch's records are cleaned up even after a store blip, so a later identical message is not taken for a copy", TIMEOUT, async () => {
  const r = await rig();
  const publisher = await openLoymaxPublisher(TEST_AMQP_URL, r.topology.exchange);
  let consumer = await r.start();
  try {
    r.faults.failForgets = 1; // the clean-up after the ack hits a store blip
    await publisher.publish([{ body: block('777', true), messageId: null }]);
    await waitFor('the block applied', async () => (await eventCount(r.base)) === 1);
    await waitFor('its record cleaned up after all', async () => (await r.base.query('SELECT 1 FROM pending_acks')).rows.length === 0);
    await publisher.publish([{ body: block('777', false), messageId: null }]);
    await waitFor('the unblock applied', async () => (await eventCount(r.base)) === 2);
    await sleep(200);

    // A new block arrives while the store is away, and the service restarts:
    // the block is redelivered, and is no copy of the first one.
    r.faults.outage = true;
    await publisher.publish([{ body: block('777', true), messageId: null }]);
    await sleep(500);
    await consumer.stop();
    r.faults.outage = false;
    consumer = await r.start();
    await waitFor('the queue drained', async () => (await queueDepth(r.topology.queue)) === 0);
    await waitFor('the second block applied', async () => (await eventCount(r.base)) === 3);
    assert.equal(await blocked(r.base, '777'), true);
  } finally {
    await consumer.stop();
    await publisher.close();
  }
});

test('a batch abandoned while the store is away leaves no dead letter behind: its bad message is dead-lettered once', TIMEOUT, async () => {
  const r = await rig();
  const publisher = await openLoymaxPublisher(TEST_AMQP_URL, r.topology.exchange);
  let consumer = await r.start();
  try {
    r.faults.outage = true;
    await publisher.publish([
      // no targetBlockState: invalid_model
      { routingKey: 'customer.card.changeBlockState', body: '{"eventCode":"OnBlockCard","customerInfo":{"customerId":5},"cardInfo":{"cardNumber":"1"}}', messageId: null },
      { body: block('2', true), messageId: null },
    ]);
    await sleep(800);
    await consumer.stop(); // the store is away: the batch is abandoned, unacked
    r.faults.outage = false;
    consumer = await r.start();
    await waitFor('the queue drained', async () => (await queueDepth(r.topology.queue)) === 0);
    await waitFor('the good message applied', async () => (await eventCount(r.base)) === 1);
    await consumer.stop();

    const connection = await amqp.connect(TEST_AMQP_URL);
    try {
      const channel = await connection.createChannel();
      const entries = await listErrorEntries(channel, r.topology.errorQueue, 50);
      assert.deepEqual(entries.map((e) => e.code), ['invalid_model']);
    } finally {
      await connection.close();
    }
  } finally {
    await consumer.stop();
    await publisher.close();
  }
});
