import { test } from 'node:test';
import assert from 'node:assert/strict';
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
