import pino from 'pino';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { startService, type RunningService } from '../../src/bin/service.ts';
import { openLoymaxPublisher, type LoymaxPublisher } from '../../src/broker/publish-loymax.ts';
import { createApiKey } from '../../src/workspaces/api-keys.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { deleteTopology, TEST_AMQP_URL, uniqueTopology } from './test-broker.ts';
import type { LoymaxTopology } from '../../src/broker/topology.ts';

export interface TestService {
  service: RunningService;
  database: TestDatabase;
  topology: LoymaxTopology;
  config: Config;
  apiKey: string;
  publisher: LoymaxPublisher;
  /** GET a path of the HTTP API with the workspace key; returns status and JSON body. */
  get(path: string, key?: string): Promise<{ status: number; body: any; text: string }>;
  close(): Promise<void>;
}

/** The service's config for a test: its own database and topology on the real broker, a free port. */
export function testServiceConfig(databaseUrl: string, topology: LoymaxTopology, overrides: Partial<Config> = {}): Config {
  return loadConfig(
    {},
    {
      databaseUrl,
      amqpUrl: TEST_AMQP_URL,
      httpHost: '127.0.0.1',
      httpPort: 0,
      loymaxExchange: topology.exchange,
      loymaxQueue: topology.queue,
      loymaxErrorQueue: topology.errorQueue,
      consumerBatchWaitMs: 10,
      ...overrides,
    },
  );
}

/**
 * The whole service in-process against a fresh database and a topology of
 * its own on the real broker, plus a publisher and an API key.
 */
export async function startTestService(overrides: Partial<Config> = {}): Promise<TestService> {
  const database = await createTestDatabase();
  const topology = uniqueTopology();
  const config = testServiceConfig(database.url, topology, overrides);
  const service = await startService(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  await service.consumer?.whenConsuming();
  const { key } = await createApiKey(service.store, 'default', 'test');
  const publisher = await openLoymaxPublisher(TEST_AMQP_URL, topology.exchange);
  return {
    service,
    database,
    topology,
    config,
    apiKey: key,
    publisher,
    async get(path, apiKey = key) {
      const response = await fetch(`${service.url}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null, text };
    },
    async close() {
      await publisher.close().catch(() => {});
      await service.stop();
      await deleteTopology(topology);
      await database.drop();
    },
  };
}

/** Waits until the event log holds `count` events (all applied: the log and the profiles commit together). */
export async function eventCount(service: RunningService): Promise<number> {
  const result = await service.store.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
  return Number(result.rows[0]?.n ?? 0);
}
