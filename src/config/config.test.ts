import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.ts';

test('defaults, then the environment, converted to the documented types', () => {
  const config = loadConfig({ PORT: '9090', CONSUMER_BATCH_SIZE: '500', AMQP_URL: 'amqp://h' });
  assert.equal(config.httpPort, 9090);
  assert.equal(config.consumerBatchSize, 500);
  assert.equal(config.amqpUrl, 'amqp://h');
  assert.equal(config.loymaxQueue, 'smc.customerEvents');
  assert.equal(config.databaseUrl, undefined);
});

test('an invalid value names the variable to fix', () => {
  assert.throws(() => loadConfig({ PORT: 'eighty' }), (error: unknown) => error instanceof ConfigError && /PORT/.test(error.message));
  assert.throws(() => loadConfig({ CONSUMER_MAX_ATTEMPTS: '0' }), /CONSUMER_MAX_ATTEMPTS/);
});

test('a config file takes the variable names or the schema keys, and refuses any other name', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'smartcom-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  const config = loadConfig({ SMARTCOM_CONFIG: file('ok.json', '{"PORT": 9091, "consumerBatchSize": 100, "AMQP_URL": "amqp://file"}'), AMQP_URL: 'amqp://env' });
  assert.equal(config.httpPort, 9091);
  assert.equal(config.consumerBatchSize, 100);
  assert.equal(config.amqpUrl, 'amqp://env', 'the environment wins over the file');

  assert.throws(() => loadConfig({ SMARTCOM_CONFIG: file('typo.json', '{"port": 9091, "bogusKey": 1}') }), (error: unknown) => error instanceof ConfigError && /unknown setting\(s\) port, bogusKey/.test(error.message));
  assert.throws(() => loadConfig({ SMARTCOM_CONFIG: file('broken.json', '{"PORT":') }), (error: unknown) => error instanceof ConfigError && /broken\.json/.test(error.message));
  assert.throws(() => loadConfig({ SMARTCOM_CONFIG: file('list.json', '[]') }), /not a JSON object/);
});
