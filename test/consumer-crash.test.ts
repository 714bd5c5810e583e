import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { openLoymaxPublisher } from '../src/broker/publish-loymax.ts';
import { buildLoymaxLoad, storedCounts } from './support/loymax-load.ts';
import { declareTopology, queueStats, spawnService, type ServiceProcess } from './support/service-process.ts';
import { deleteTopology, TEST_AMQP_URL, uniqueTopology } from './support/test-broker.ts';
import { createTestDatabase, type TestDatabase } from './support/test-database.ts';
import { waitFor } from './support/wait-for.ts';
import { waitUntilSettled } from './support/settled.ts';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.ts';

// The consumer process is SIGKILLed twice in the middle of a 20,000-event
// load and started again each time. The first kill lands wherever it lands;
// the second comes after the process committed a batch whose ack the broker
// never heard (its connection runs through a proxy that stops relaying what
// the consumer sends), so that batch is redelivered whole and every one of
// its events must be recognised as applied already, by message-id, natural
// key or, for identity-less events, the pending_acks record.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const topology = uniqueTopology('smct_crash');
let database: TestDatabase;
let db: pg.Client;
let proxy: TcpProxy;
const services: ServiceProcess[] = [];

before(async () => {
  database = await createTestDatabase();
  db = new pg.Client({ connectionString: database.url });
  await db.connect();
  proxy = await startTcpProxy({ host: '127.0.0.1', port: 5672 });
  await declareTopology(topology);
});

after(async () => {
  await Promise.all(services.map((s) => s.stop('SIGKILL')));
  await proxy?.close();
  await db?.end().catch(() => {});
  await deleteTopology(topology);
  await database?.drop();
});

async function loggedEvents(): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
  return rows[0]!.n;
}

function startService(): ServiceProcess {
  const service = spawnService({ databaseUrl: database.url, amqpUrl: proxy.urlFor(TEST_AMQP_URL), topology, env: { CONSUMER_STANDBY_RETRY_MS: '200' } });
  services.push(service);
  return service;
}

function assertRunning(service: ServiceProcess): void {
  assert.equal(service.child.exitCode, null, `the service exited: ${service.output()}`);
}

async function waitForMoreThan(service: ServiceProcess, count: number, timeoutMs = 90_000): Promise<number> {
  return waitFor(`more than ${count} events applied`, async () => {
    assertRunning(service);
    const n = await loggedEvents();
    return n > count ? n : false;
  }, timeoutMs, 10);
}

async function kill(service: ServiceProcess): Promise<void> {
  assert.equal((await service.stop('SIGKILL')).signal, 'SIGKILL');
  // The proxy may hold the dead process's connection open; drop it so the
  // broker requeues what was delivered to it.
  proxy.dropConnections();
  await waitFor('the broker to notice the consumer is gone', async () => (await queueStats(topology.queue)).consumers === 0);
}

test('SIGKILL in the middle of a 20,000-event load, then a restart: every event applied exactly once', { timeout: 180_000 }, async (t) => {
  const load = buildLoymaxLoad({ events: 20_000, customers: 8_000 });
  assert.ok(load.withoutMessageId > 9_000, 'about half of the events go without a message-id');

  let service = startService();
  const publisher = await openLoymaxPublisher(TEST_AMQP_URL, topology.exchange);
  const published = publisher.publish(load.events).finally(() => publisher.close());

  // 1. Killed wherever it is once more than 3,000 events are in.
  await waitForMoreThan(service, 3_000);
  await kill(service);
  const afterFirstKill = await loggedEvents();
  assert.ok(afterFirstKill < load.expected.events, `killed with ${afterFirstKill} events applied`);
  service = startService();

  // 2. Killed after committing a batch the broker never saw acked.
  const beforeFreeze = await waitForMoreThan(service, afterFirstKill + 1_000);
  let unacked = false;
  let freezes = 0;
  for (; freezes < 5 && !unacked; freezes++) {
    // Freeze shortly after a commit, while the next batch is being applied,
    // not while the consumer waits for the broker to answer its last ack.
    await waitForMoreThan(service, await loggedEvents());
    await sleep(100);
    proxy.freeze();
    const frozenAt = await loggedEvents();
    // A commit after the freeze is a batch whose ack is held in the proxy.
    unacked = await waitForMoreThan(service, frozenAt, 5_000).then(() => true, () => false);
    if (!unacked) proxy.thaw();
  }
  assert.ok(unacked, 'a batch was committed after the freeze');
  await sleep(300);
  await kill(service);
  assert.equal(await published, load.expected.events);
  const applied = await loggedEvents();
  const requeued = (await queueStats(topology.queue)).messages;
  assert.ok(applied > beforeFreeze && applied < load.expected.events, `killed with ${applied} events applied`);
  assert.ok(applied + requeued > load.expected.events, `applied messages come back redelivered (${applied} applied + ${requeued} queued)`);
  t.diagnostic(`second kill after ${freezes} freeze(s): ${applied} applied, ${requeued} queued, ${applied + requeued - load.expected.events} of them applied but unacked`);
  service = startService();

  const settled = await waitUntilSettled(topology.queue, loggedEvents, load.expected.events, { stillRunning: () => assertRunning(service) });
  assert.equal(settled, load.expected.events, 'every published event is in the log once');
  assert.deepEqual(await storedCounts(db), load.expected);

  // Each identity path kept its share: the events sent without a message-id
  // are in the log once each, as are those sent with one.
  const { rows } = await db.query<{ without: number; distinct_ids: number }>(
    'SELECT count(*) FILTER (WHERE message_id IS NULL)::int AS without, count(DISTINCT message_id)::int AS distinct_ids FROM events',
  );
  assert.equal(rows[0]!.without, load.withoutMessageId);
  assert.equal(rows[0]!.distinct_ids, load.expected.events - load.withoutMessageId);

  assert.equal((await queueStats(topology.errorQueue)).messages, 0, 'nothing went to the error queue');
  assert.equal((await queueStats(topology.queue)).messages, 0);

  // After all that, SIGTERM still ends the process cleanly.
  assert.deepEqual(await service.stop('SIGTERM'), { code: 0, signal: null });
});
