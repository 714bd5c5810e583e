import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import pino from 'pino';
import { startService } from '../src/bin/service.ts';
import { startLoymaxConsumer } from '../src/broker/loymax-consumer.ts';
import { openLoymaxPublisher } from '../src/broker/publish-loymax.ts';
import { createMetrics, type Metrics } from '../src/metrics/metrics.ts';
import { buildLoymaxLoad, storedCounts } from './support/loymax-load.ts';
import { declareTopology, queueStats, spawnService, type ServiceProcess } from './support/service-process.ts';
import { waitUntilSettled } from './support/settled.ts';
import { startTcpProxy } from './support/tcp-proxy.ts';
import { deleteTopology, TEST_AMQP_URL, uniqueTopology } from './support/test-broker.ts';
import { createTestDatabase } from './support/test-database.ts';
import { eventCount, startTestService, testServiceConfig } from './support/test-service.ts';
import { waitFor } from './support/wait-for.ts';

// How the consumer lives through its connections going away: the broker's
// (reconnect), its own process's (standby takeover, SIGTERM) and the
// store's (pause and resume), each time with every event applied once.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const silent = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const TIMEOUT = { timeout: 120_000 };

async function appliedBy(metrics: Metrics): Promise<number> {
  return (await metrics.applied.get()).values.reduce((sum, v) => sum + v.value, 0);
}

test('the broker connection drops: the consumer reconnects by itself and applies what comes after', TIMEOUT, async () => {
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5672 });
  const t = await startTestService({ amqpUrl: proxy.urlFor(TEST_AMQP_URL), consumerStandbyRetryMs: 100, reconnectMaxDelayMs: 1000 });
  try {
    const load = buildLoymaxLoad({ events: 5_000, customers: 1_000, seed: 11 });
    const countEvents = () => eventCount(t.service);
    await t.publisher.publish(load.events.slice(0, 1_000));
    await waitFor('the first 1,000 applied', async () => (await countEvents()) === 1_000);

    // Dropped while idle, then again in the middle of a batch stream.
    proxy.dropConnections();
    await t.publisher.publish(load.events.slice(1_000));
    await waitFor('more than 2,000 applied', async () => (await countEvents()) > 2_000, 30_000, 10);
    proxy.dropConnections();

    assert.equal(await waitUntilSettled(t.topology.queue, countEvents, load.expected.events), load.expected.events);
    assert.deepEqual(await storedCounts(t.service.store), load.expected);
    assert.ok(proxy.accepted() >= 3, `reconnected through the proxy (${proxy.accepted()} connections)`);
    assert.equal(t.service.consumer!.state(), 'consuming');
    assert.equal((await queueStats(t.topology.errorQueue)).messages, 0);
  } finally {
    await t.close();
    await proxy.close();
  }
});

test('a second consumer stands by, and takes over when the first stops, counting nothing twice', TIMEOUT, async () => {
  const first = await startTestService({ consumerStandbyRetryMs: 100 });
  const second = await startService({ ...first.config, consumerStandbyRetryMs: 100 }, silent);
  try {
    const load = buildLoymaxLoad({ events: 6_000, customers: 1_000, seed: 12 });
    const countEvents = () => eventCount(first.service);
    await waitFor('the second consumer to stand by', async () => second.consumer!.state() === 'standby');
    const readiness = await fetch(`${second.url}/readyz`);
    assert.equal(readiness.status, 200, 'a standby is ready');
    assert.equal(((await readiness.json()) as { consumer: string }).consumer, 'standby');

    await first.publisher.publish(load.events.slice(0, 1_000));
    await waitFor('the first 1,000 applied', async () => (await countEvents()) === 1_000);
    assert.equal(second.consumer!.state(), 'standby');
    assert.equal(await appliedBy(second.metrics), 0, 'the standby took nothing');

    // The first stops in the middle of a load; the second takes the rest.
    const inFlight = first.publisher.publish(load.events.slice(1_000, 5_000));
    await waitFor('more than 2,000 applied', async () => (await countEvents()) > 2_000, 30_000, 10);
    await first.service.consumer!.stop();
    await second.consumer!.whenConsuming();
    await inFlight;
    await first.publisher.publish(load.events.slice(5_000));

    assert.equal(await waitUntilSettled(first.topology.queue, countEvents, load.expected.events), load.expected.events);
    assert.deepEqual(await storedCounts(first.service.store), load.expected);
    const [byFirst, bySecond] = [await appliedBy(first.service.metrics), await appliedBy(second.metrics)];
    assert.ok(bySecond >= 1_000, `the second applied the rest (${bySecond})`);
    assert.equal(byFirst + bySecond, load.expected.events, 'each event applied by one of them, once');
    assert.equal(first.service.consumer!.state(), 'stopped');
    assert.equal((await queueStats(first.topology.errorQueue)).messages, 0);
  } finally {
    await second.stop();
    await first.close();
  }
});

test('stop() while the consumer is still connecting returns, leaving nothing attached to the queue', TIMEOUT, async () => {
  const t = await startTestService();
  const topology = uniqueTopology();
  try {
    const consumer = startLoymaxConsumer(
      { url: TEST_AMQP_URL, workspaceId: 'default', ...topology, prefetch: 100, batchSize: 100, batchWaitMs: 10, maxAttempts: 5, maxMessageBytes: 1_048_576, standbyRetryMs: 100, reconnectMaxDelayMs: 1000 },
      { store: t.service.store, log: silent, metrics: createMetrics() },
    );
    await consumer.stop();
    assert.equal(consumer.state(), 'stopped');
    assert.equal((await queueStats(topology.queue)).consumers, 0);
  } finally {
    await deleteTopology(topology);
    await t.close();
  }
});

test('SIGTERM in the middle of a load: the batch in hand is applied and acked, the rest stays queued', TIMEOUT, async () => {
  const database = await createTestDatabase();
  const topology = uniqueTopology();
  const db = new pg.Client({ connectionString: database.url });
  const services: ServiceProcess[] = [];
  try {
    await db.connect();
    const countEvents = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0]!.n;
    const load = buildLoymaxLoad({ events: 10_000, customers: 2_000, seed: 13 });
    await declareTopology(topology);
    const publisher = await openLoymaxPublisher(TEST_AMQP_URL, topology.exchange);
    await publisher.publish(load.events).finally(() => publisher.close());

    const service = spawnService({ databaseUrl: database.url, topology });
    services.push(service);
    await waitFor('more than 1,500 applied', async () => (await countEvents().catch(() => 0)) > 1_500, 60_000, 10);
    assert.deepEqual(await service.stop('SIGTERM'), { code: 0, signal: null }, service.output());

    // Every message is either applied (and acked) or back in the queue.
    const applied = await countEvents();
    const { messages, consumers } = await queueStats(topology.queue);
    assert.equal(consumers, 0);
    assert.ok(messages > 0, 'the stop did not wait for the whole queue');
    assert.equal(applied + messages, load.expected.events, `applied ${applied} + queued ${messages}`);

    const restarted = spawnService({ databaseUrl: database.url, topology });
    services.push(restarted);
    assert.equal(await waitUntilSettled(topology.queue, countEvents, load.expected.events), load.expected.events);
    assert.deepEqual(await storedCounts(db), load.expected);
    assert.equal((await queueStats(topology.errorQueue)).messages, 0);
  } finally {
    await Promise.all(services.map((s) => s.stop('SIGKILL')));
    await db.end().catch(() => {});
    await deleteTopology(topology);
    await database.drop();
  }
});

test('the store goes away for 2 s: consumption pauses, resumes, and applies everything once, in order', TIMEOUT, async () => {
  const database = await createTestDatabase();
  const topology = uniqueTopology();
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
  const db = new pg.Client({ connectionString: database.url });
  const config = testServiceConfig(proxy.urlFor(database.url), topology, { consumerBatchSize: 200, consumerPrefetch: 400, reconnectMaxDelayMs: 500 });
  const service = await startService(config, silent);
  const publisher = await openLoymaxPublisher(TEST_AMQP_URL, topology.exchange);
  try {
    await db.connect();
    await service.consumer!.whenConsuming();
    const countEvents = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0]!.n;
    // Few customers, so each has a long run of attribute changes to keep in order.
    const load = buildLoymaxLoad({ events: 6_000, customers: 200, seed: 14, withoutMerges: true });

    let sent = 0;
    const publishing = (async () => {
      for (; sent < load.events.length; sent += 250) {
        await publisher.publish(load.events.slice(sent, sent + 250));
        await sleep(100);
      }
    })();

    await waitFor('more than 1,000 applied', async () => (await countEvents()) > 1_000, 30_000, 10);
    proxy.cut();
    const sentAtCut = sent;
    await sleep(500); // a commit the server had already received may still land
    const atCut = await countEvents();
    await sleep(1_500);
    const beforeRestore = await countEvents();
    const waiting = (await queueStats(topology.queue)).messages;
    proxy.restore();
    assert.equal(beforeRestore, atCut, 'nothing applied while the store was away');
    assert.ok(sent > sentAtCut && waiting > 0, `publishing went on during the outage (${sent - sentAtCut} sent, ${waiting} waiting)`);

    await publishing;
    assert.equal(await waitUntilSettled(topology.queue, countEvents, load.expected.events), load.expected.events);
    assert.deepEqual(await storedCounts(db), load.expected);
    assert.equal((await queueStats(topology.errorQueue)).messages, 0, 'nothing went to the error queue');

    // Last value wins, and every customer's changes were applied in the order sent.
    const { rows: current } = await db.query<{ customer_key: string; code: string; value: string | null }>('SELECT customer_key, code, value FROM attributes');
    assert.deepEqual(new Map(current.map((r) => [`${r.customer_key}\u0000${r.code}`, r.value])), load.lastAttributeValues);
    const { rows: changes } = await db.query<{ customer_key: string; code: string; old_value: string | null; new_value: string | null }>(
      'SELECT customer_key, code, old_value, new_value FROM attribute_changes ORDER BY event_seq',
    );
    const previous = new Map<string, string | null>();
    for (const c of changes) {
      const key = `${c.customer_key}\u0000${c.code}`;
      assert.equal(c.old_value, previous.has(key) ? previous.get(key) : null, `${key}: changes applied out of order`);
      previous.set(key, c.new_value);
    }
  } finally {
    await publisher.close().catch(() => {});
    await service.stop().catch(() => {});
    await db.end().catch(() => {});
    await proxy.close();
    await deleteTopology(topology);
    await database.drop();
  }
});
