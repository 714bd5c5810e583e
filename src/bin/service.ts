import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.ts';
import { startBackgroundProjection } from '../apply/background-projection.ts';
import { startBonusWorker } from '../bonus/bonus-worker.ts';
import { startLoymaxConsumer, type LoymaxConsumer } from '../broker/loymax-consumer.ts';
import { buildApp } from '../http/app.ts';
import { registerImportJobRoutes } from '../http/routes/imports.ts';
import { checkApiJobHost, parseAllowedHosts, type ApiJobHostRule } from '../imports/api-job-hosts.ts';
import { loadJobFiles } from '../imports/load-job-files.ts';
import { startImportScheduler, type ImportScheduler } from '../imports/schedule-import-jobs.ts';
import { openSqlSource } from '../ingest/sql/open-sql-source.ts';
import { createMetrics, type Metrics } from '../metrics/metrics.ts';
import type { Store } from '../store/db.ts';
import { openStore } from '../store/open-store.ts';
import { keepStatisticsFresh } from '../store/table-statistics.ts';
import { countActiveApiKeys, createApiKey } from '../workspaces/api-keys.ts';
import { createWorkspace } from '../workspaces/workspaces.ts';

export interface RunningService {
  app: FastifyInstance;
  store: Store;
  metrics: Metrics;
  consumer: LoymaxConsumer | null;
  /** The address the HTTP server listens on. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Wires the service: store (migrated), HTTP API and, when a broker is
 * configured, the Loymax consumer. Nothing here knows what the parts do.
 */
export async function startService(config: Config, logger: Logger = pino({ level: config.logLevel })): Promise<RunningService> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await createWorkspace(store, config.loymaxWorkspace);
  await announceFirstKey(store, logger);
  const importScheduler = startScheduledImports(config, store, logger);
  const metrics = createMetrics();
  const statistics = keepStatisticsFresh(store, STATISTICS_EVERY_MS, (error) => logger.warn({ err: error }, 'could not refresh table statistics'));

  const consumer = config.amqpUrl
    ? startLoymaxConsumer(
        {
          url: config.amqpUrl,
          workspaceId: config.loymaxWorkspace,
          exchange: config.loymaxExchange,
          queue: config.loymaxQueue,
          errorQueue: config.loymaxErrorQueue,
          prefetch: config.consumerPrefetch,
          batchSize: config.consumerBatchSize,
          batchWaitMs: config.consumerBatchWaitMs,
          maxAttempts: config.consumerMaxAttempts,
          maxMessageBytes: config.consumerMaxMessageBytes,
          standbyRetryMs: config.consumerStandbyRetryMs,
          reconnectMaxDelayMs: config.reconnectMaxDelayMs,
        },
        { store, log: logger.child({ part: 'loymax-consumer' }), metrics },
      )
    : null;
  if (!consumer) logger.info('AMQP_URL is not set: the Loymax consumer is off (set it to consume smc.customerEvents)');

  const bonusWorker = config.bonusWorker
    ? startBonusWorker(
        { batchSize: config.bonusBatchSize, pollMs: config.bonusPollMs, maxAttempts: config.bonusMaxAttempts, retryMaxDelayMs: config.reconnectMaxDelayMs },
        { store, log: logger.child({ part: 'bonus-worker' }) },
      )
    : null;

  // Projects the webhook events the app accepts; stopped after the app has closed (its requests in hand committed).
  const projection = startBackgroundProjection(store, { log: logger.child({ part: 'projection' }), metrics });
  const app = await buildApp({ store, metrics, logger: logger.child({ part: 'http' }), consumer: consumer ?? undefined, projection });
  // Here rather than in buildApp: the job routes need the scheduler, which only the service runs.
  registerImportJobRoutes(app, {
    store,
    scheduler: importScheduler,
    hostRule: apiJobHostRuleOf(config),
  });
  await importScheduler.reload();
  const url = await app.listen({ host: config.httpHost, port: config.httpPort });
  logger.info({ url, docs: `${url}/docs`, store: store.kind }, 'smartcom is up');

  return {
    app,
    store,
    metrics,
    consumer,
    url,
    async stop() {
      await app.close();
      await projection.stop();
      await bonusWorker?.stop();
      await importScheduler.stop();
      await consumer?.stop();
      await statistics.stop();
      await store.close();
    },
  };
}

// How often the service looks for tables that grew past their planner statistics (table-statistics.ts).
const STATISTICS_EVERY_MS = 5000;

/**
 * The SQL import scheduler: the job files (when SQL_IMPORT_JOBS_DIR is set)
 * and the jobs stored over the API. A job file that is not valid stops the
 * start, naming the file: a job silently not running would be found too late.
 */
function startScheduledImports(config: Config, store: Store, logger: Logger): ImportScheduler {
  const dir = config.sqlImportJobsDir;
  const { jobs, problems } = dir ? loadJobFiles(dir) : { jobs: [], problems: [] };
  if (problems.length > 0) throw new Error(`SQL_IMPORT_JOBS_DIR ${dir}:\n  ${problems.join('\n  ')}`);
  const hostRule = apiJobHostRuleOf(config);
  return startImportScheduler(jobs, {
    store,
    log: logger.child({ part: 'sql-import' }),
    openSource: openSqlSource,
    reloadEveryMs: config.sqlImportReloadMs,
    checkStoredJob: (job) => checkApiJobHost(job.source, hostRule),
  });
}

function apiJobHostRuleOf(config: Config): ApiJobHostRule {
  return { allowedHosts: parseAllowedHosts(config.sqlImportApiHosts), storeUrl: config.databaseUrl };
}

/** The first start tells the user how to read their data: it makes the first key and shows it once. */
async function announceFirstKey(store: Store, logger: Logger): Promise<void> {
  if ((await countActiveApiKeys(store)) > 0) return;
  const created = await createApiKey(store, 'default', 'first start');
  logger.info(
    { workspace: created.workspaceId, apiKey: created.key },
    'first start: created an API key for workspace "default"; it is shown only now. Send it as "Authorization: Bearer <key>". Make more with `smartcom keys create`.',
  );
}
