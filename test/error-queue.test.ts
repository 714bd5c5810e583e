import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import pg from 'pg';
import { ERROR_HEADERS, listErrorEntries, replayErrorEntries } from '../src/broker/error-queue.ts';
import { loymaxSeedExamples } from './fixtures/loymax/index.ts';
import { eventCount, startTestService, type TestService } from './support/test-service.ts';
import { drainQueue, queueDepth, TEST_AMQP_URL } from './support/test-broker.ts';
import { waitFor } from './support/wait-for.ts';

// Bad input never blocks the queue: each bad message goes to the error queue
// with its reason while the messages behind it are applied.
let t: TestService;
before(async () => {
  t = await startTestService({ consumerMaxMessageBytes: 4096, consumerMaxAttempts: 2 });
});
after(() => t.close());

async function execInStore(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: t.database.url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const registration = (customerId: number) => ({ eventCode: 'OnBeginRegistration', customerInfo: { customerId } });

test('poison messages go to the error queue with a reason; the messages behind them are applied', async () => {
  const purchase = JSON.parse(loymaxSeedExamples.find((e) => e.routingKey === 'purchases.confirm.modelUpdate')!.body);
  purchase.customerInfo.customerId = 610;
  purchase.purchaseOperationInfo.description = 'nul \u0000 byte'; // valid JSON the store cannot keep
  // A failure that lasts (here a trigger in the real store refusing one
  // customer) is retried, then dead-lettered after its attempts.
  await execInStore(`CREATE FUNCTION refuse_611() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.customer_key = 'loymax:611' THEN RAISE EXCEPTION 'customer 611 refused by the test'; END IF; RETURN NEW; END $$;
    CREATE TRIGGER refuse_611 BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_611();`);
  await t.publisher.publish([
    { body: registration(601), messageId: 'good-1' },
    { routingKey: 'customer.registration.begin', body: '{"eventCode": "OnBeginRegistration", customerInfo', messageId: 'bad-json' },
    { routingKey: 'customer.registration.begin', body: registration(602), messageId: 'good-2' },
    { routingKey: 'customer.card.changeBlockState', body: { eventCode: 'OnTeleportCard', customerInfo: { customerId: 603 } }, messageId: 'bad-code' },
    { routingKey: 'customer.card.changeBlockState', body: { eventCode: 'OnBlockCard', customerInfo: { customerId: 604 } }, messageId: 'bad-model' },
    { routingKey: 'customer.registration.finish', body: { ...registration(605), eventCode: 'OnEndRegistration', padding: 'x'.repeat(5000) }, messageId: 'too-big' },
    { body: purchase, messageId: 'unstorable' },
    { body: registration(611), messageId: 'refused' },
    { body: registration(606), messageId: 'good-3' },
  ]);
  await waitFor('good messages applied', async () => (await eventCount(t.service)) === 3);
  await waitFor('six messages in the error queue', async () => (await queueDepth(t.topology.errorQueue)) === 6);
  for (const id of [601, 602, 606]) assert.equal((await t.get(`/v1/customers/${id}`)).status, 200);

  const connection = await amqp.connect(TEST_AMQP_URL);
  try {
    const entries = await listErrorEntries(await connection.createChannel(), t.topology.errorQueue, 50);
    const byId = Object.fromEntries(entries.map((e) => [e.messageId, e]));
    assert.equal(byId['bad-json']!.code, 'invalid_json');
    assert.equal(byId['bad-code']!.code, 'unknown_event_code');
    assert.match(byId['bad-code']!.reason, /OnTeleportCard/);
    assert.equal(byId['bad-model']!.code, 'invalid_model');
    assert.match(byId['bad-model']!.reason, /targetBlockState/);
    assert.equal(byId['too-big']!.code, 'too_large');
    assert.equal(byId['unstorable']!.code, 'unstorable_text');
    assert.equal(byId['refused']!.code, 'apply_failed');
    assert.match(byId['refused']!.reason, /refused by the test/);
    assert.equal(byId['refused']!.attempts, 2);
    assert.equal(byId['bad-json']!.routingKey, 'customer.registration.begin');
  } finally {
    await connection.close();
  }
  assert.equal(await queueDepth(t.topology.errorQueue), 6, 'listing leaves the entries in place');
  // The cause is fixed: replaying the entry (next test) applies it.
  await execInStore('DROP TRIGGER refuse_611 ON events');
  const metrics = await fetch(`${t.service.url}/metrics`, { headers: { authorization: `Bearer ${t.apiKey}` } }).then((r) => r.text());
  assert.match(metrics, /smartcom_events_dead_lettered_total\{source="loymax",reason="invalid_json"\} 1/);
});

test('`smartcom errors list` shows them; `errors replay` sends them to smartcom\'s queue only, by code or all; `errors discard` removes them', async () => {
  const env = {
    ...process.env,
    AMQP_URL: TEST_AMQP_URL,
    LOYMAX_EXCHANGE: t.topology.exchange,
    LOYMAX_QUEUE: t.topology.queue,
    LOYMAX_ERROR_QUEUE: t.topology.errorQueue,
  };
  const run = promisify(execFile);
  const cli = async (...args: string[]) => (await run('node', ['bin/smartcom.js', ...args], { env })).stdout.trim();
  const lines = (await cli('errors', 'list', '--json')).split('\n').map((l) => JSON.parse(l) as { messageId: string; reason: string; code: string; failedAt: string; firstFailedAt: string });
  assert.equal(lines.length, 6);
  assert.ok(lines.every((l) => l.reason.length > 0 && l.firstFailedAt === l.failedAt));
  const firstFailure = new Map(lines.map((l) => [l.messageId, l.failedAt]));

  // Another consumer of the loyalty system's exchange (its own queues get the same events): a replay must not reach it.
  const connection = await amqp.connect(TEST_AMQP_URL);
  try {
    const bystander = await connection.createChannel();
    const { queue: otherQueue } = await bystander.assertQueue('', { exclusive: true });
    await bystander.bindQueue(otherQueue, t.topology.exchange, '#');

    // The refused customer's cause was fixed: replaying its code alone applies it.
    assert.equal(await cli('errors', 'replay', '--code', 'apply_failed'), `replayed 1 message(s) to ${t.topology.queue}`);
    await waitFor('the fixed entry applied', async () => (await t.get('/v1/customers/611')).status === 200);
    assert.equal(await queueDepth(t.topology.errorQueue), 5);

    // Nothing was fixed for the others: replayed, they are rejected again,
    // each exactly once, keeping the time of their first failure.
    const replayed = await replayErrorEntries(await connection.createConfirmChannel(), t.topology.errorQueue, t.topology.queue, 100);
    assert.equal(replayed, 5);
    await waitFor('replayed messages rejected again', async () => (await queueDepth(t.topology.errorQueue)) === 5, 30_000);
    const again = await listErrorEntries(await connection.createChannel(), t.topology.errorQueue, 50);
    assert.deepEqual(again.map((e) => e.messageId).sort(), ['bad-code', 'bad-json', 'bad-model', 'too-big', 'unstorable']);
    for (const entry of again) {
      assert.equal(entry.firstFailedAt, firstFailure.get(entry.messageId!), entry.messageId!);
      assert.ok(entry.failedAt! > entry.firstFailedAt!, entry.messageId!);
      assert.equal(entry.exchange, t.topology.exchange, 'the original exchange is kept');
    }
    assert.equal((await bystander.checkQueue(otherQueue)).messageCount, 0, 'a replay reached another queue of the exchange');
  } finally {
    await connection.close();
  }

  await assert.rejects(cli('errors', 'discard'), /--code, --message-id, or --all/);
  assert.equal(await cli('errors', 'discard', '--message-id', 'bad-json'), `discarded 1 message(s) from ${t.topology.errorQueue}`);
  assert.equal(await cli('errors', 'discard', '--code', 'too_large'), `discarded 1 message(s) from ${t.topology.errorQueue}`);
  const left = await drainQueue(t.topology.errorQueue);
  assert.deepEqual(left.map((m) => m.properties.messageId).sort(), ['bad-code', 'bad-model', 'unstorable']);
  assert.ok(left.every((m) => typeof m.properties.headers?.[ERROR_HEADERS.reason] === 'string'));
  assert.equal(await eventCount(t.service), 4);
});

test('a fixed message replayed from the error queue is applied', async () => {
  await t.publisher.publish([{ routingKey: 'customer.registration.begin', body: '{"eventCode":"OnBeginRegistration"}', messageId: 'fixable' }]);
  await waitFor('rejected', async () => (await queueDepth(t.topology.errorQueue)) === 1);
  // "fixed": here the fix is on the producer side, so the corrected message is replayed
  const [rejected] = await drainQueue(t.topology.errorQueue);
  assert.equal(rejected!.properties.headers?.[ERROR_HEADERS.code], 'invalid_model');
  await t.publisher.publish([{ body: registration(620), messageId: 'fixable' }]);
  await waitFor('applied', async () => (await t.get('/v1/customers/620')).status === 200);
});

test('a replay to a queue that does not exist fails and leaves every entry in the error queue', async () => {
  await t.publisher.publish([{ routingKey: 'customer.registration.begin', body: '{"eventCode":"OnBeginRegistration"}', messageId: 'kept' }]);
  await waitFor('rejected', async () => (await queueDepth(t.topology.errorQueue)) === 1);
  const connection = await amqp.connect(TEST_AMQP_URL);
  try {
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => {});
    await assert.rejects(replayErrorEntries(channel, t.topology.errorQueue, `${t.topology.queue}.missing`, 100), /NOT_FOUND|no queue/);
  } finally {
    await connection.close().catch(() => {});
  }
  assert.equal(await queueDepth(t.topology.errorQueue), 1);
  assert.deepEqual((await drainQueue(t.topology.errorQueue)).map((m) => m.properties.messageId), ['kept']);
});
