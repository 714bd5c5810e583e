import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { deleteTopology, drainQueue, queueDepth, TEST_AMQP_URL, uniqueTopology } from './support/test-broker.ts';

// `smartcom publish FILE.jsonl` checks the whole file before it sends
// anything, names each bad line, and fails when a message reaches no queue
// (a mistyped routing key) instead of reporting it published.
const run = promisify(execFile);
const SMARTCOM = fileURLToPath(new URL('../bin/smartcom.js', import.meta.url));
const topology = uniqueTopology('smcpub');
const dir = mkdtempSync(join(tmpdir(), 'smartcom-publish-'));
const env = { ...process.env, AMQP_URL: TEST_AMQP_URL, LOYMAX_EXCHANGE: topology.exchange, LOYMAX_QUEUE: topology.queue, LOYMAX_ERROR_QUEUE: topology.errorQueue };
const cli = (...args: string[]) => run(process.execPath, [SMARTCOM, ...args], { env });
const file = (name: string, lines: unknown[]) => {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
  return path;
};
const registration = (customerId: number) => ({ eventCode: 'OnBeginRegistration', customerInfo: { customerId } });

before(() => cli('topology', 'apply'));
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await deleteTopology(topology);
});

test('a file with bad lines is refused whole, each bad line named', async () => {
  const path = file('bad.jsonl', [registration(1), '', { eventCode: 'OnFoo', customerInfo: { customerId: 2 } }, '{"eventCode":', { body: 42 }]);
  const failed = await cli('publish', path).then(
    () => assert.fail('published'),
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /nothing was published; 3 line\(s\) to fix/);
  assert.match(failed.stderr, /bad\.jsonl:3: no routingKey given and eventCode "OnFoo"/);
  assert.match(failed.stderr, /bad\.jsonl:4: not JSON/);
  assert.match(failed.stderr, /bad\.jsonl:5: body must be an object or a string/);
  assert.equal(await queueDepth(topology.queue), 0);
});

test('a message no queue receives is an error, not "published"; a null messageId sends none', async () => {
  const path = file('typo.jsonl', [
    { routingKey: 'customer.registration.begin', messageId: null, body: registration(3) },
    { routingKey: 'customer.attribute.updated', messageId: 'typo-1', body: registration(4) },
  ]);
  const failed = await cli('publish', path).then(
    () => assert.fail('published'),
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /1 of 2 message\(s\) reached no queue: customer\.attribute\.updated \(message-id typo-1\)/);
  const [delivered, ...more] = await drainQueue(topology.queue);
  assert.equal(more.length, 0);
  assert.equal(delivered!.properties.messageId, undefined);

  const good = file('good.jsonl', [registration(5), { body: registration(6), messageId: 'six' }]);
  assert.match((await cli('publish', good)).stdout, /published 2 event\(s\) to .*, all confirmed and routed to a queue/);
  assert.deepEqual((await drainQueue(topology.queue)).map((m) => m.fields.routingKey), ['customer.registration.begin', 'customer.registration.begin']);
});
