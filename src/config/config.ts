import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * The one place that reads the environment. Every setting is documented here
 * and in the README; nothing else in the tree touches process.env.
 */
export const ConfigSchema = Type.Object({
  databaseUrl: Type.Optional(Type.String({ description: 'PostgreSQL URL. Unset: embedded PGlite under dataDir.' })),
  dataDir: Type.String({ default: './data', description: 'Where the embedded store keeps its files.' }),
  httpHost: Type.String({ default: '0.0.0.0' }),
  httpPort: Type.Integer({ default: 8080, minimum: 0, maximum: 65535 }),
  logLevel: Type.Union(
    [Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')],
    { default: 'info' },
  ),
  amqpUrl: Type.Optional(Type.String({ description: 'RabbitMQ URL. Unset: the Loymax consumer does not run.' })),
  loymaxExchange: Type.String({ default: 'loymax.events', description: 'Topic exchange the loyalty system publishes to.' }),
  loymaxQueue: Type.String({ default: 'smc.customerEvents' }),
  loymaxErrorQueue: Type.String({ default: 'smc.customerEvents.errors' }),
  loymaxWorkspace: Type.String({ default: 'default', description: 'Workspace the Loymax queue feeds.' }),
  consumerPrefetch: Type.Integer({ default: 5000, minimum: 1, description: 'Unacked messages the broker may hand over at once (two batches: one applied, one parsed meanwhile).' }),
  consumerBatchSize: Type.Integer({ default: 2500, minimum: 1, description: 'Messages applied per store transaction (bench:ingest: 2,500 gave ~10% more than 1,000; more gave nothing).' }),
  consumerBatchWaitMs: Type.Integer({ default: 25, minimum: 0 }),
  consumerMaxAttempts: Type.Integer({ default: 5, minimum: 1, description: 'Apply attempts before a message goes to the error queue.' }),
  consumerMaxMessageBytes: Type.Integer({ default: 1_048_576, minimum: 1 }),
  consumerStandbyRetryMs: Type.Integer({ default: 2000, minimum: 50, description: 'How often a standby consumer tries to take over.' }),
  reconnectMaxDelayMs: Type.Integer({ default: 15000, minimum: 100 }),
  bonusWorker: Type.Boolean({ default: true, description: 'Run the background process of the bonus commands in this process.' }),
  bonusBatchSize: Type.Integer({ default: 2000, minimum: 1, description: 'Bonus command items processed per transaction (whole commands, at least one).' }),
  bonusPollMs: Type.Integer({ default: 50, minimum: 1, description: 'How often an idle bonus worker looks for queued items.' }),
  bonusMaxAttempts: Type.Integer({ default: 5, minimum: 1, description: 'Failures of one bonus command, processed alone, before its items are recorded as failed.' }),
  sqlImportJobsDir: Type.Optional(Type.String({ description: 'Folder of SQL import job files (*.json); jobs with a schedule run in the service. Unset: none.' })),
  sqlImportReloadMs: Type.Integer({
    default: 30_000,
    minimum: 100,
    description: 'How often the service re-reads the SQL import jobs defined over the HTTP API, so a change made through another service process takes effect (changes through this one do at once).',
  }),
  sqlImportApiHosts: Type.Optional(
    Type.String({ description: "Comma-separated host names SQL import jobs defined over the HTTP API may read. Unset: any host but smartcom's own store." }),
  ),
});
export type Config = Static<typeof ConfigSchema>;

const ENV_NAMES: Record<keyof Config, string> = {
  databaseUrl: 'DATABASE_URL',
  dataDir: 'SMARTCOM_DATA_DIR',
  httpHost: 'HOST',
  httpPort: 'PORT',
  logLevel: 'LOG_LEVEL',
  amqpUrl: 'AMQP_URL',
  loymaxExchange: 'LOYMAX_EXCHANGE',
  loymaxQueue: 'LOYMAX_QUEUE',
  loymaxErrorQueue: 'LOYMAX_ERROR_QUEUE',
  loymaxWorkspace: 'LOYMAX_WORKSPACE',
  consumerPrefetch: 'CONSUMER_PREFETCH',
  consumerBatchSize: 'CONSUMER_BATCH_SIZE',
  consumerBatchWaitMs: 'CONSUMER_BATCH_WAIT_MS',
  consumerMaxAttempts: 'CONSUMER_MAX_ATTEMPTS',
  consumerMaxMessageBytes: 'CONSUMER_MAX_MESSAGE_BYTES',
  consumerStandbyRetryMs: 'CONSUMER_STANDBY_RETRY_MS',
  reconnectMaxDelayMs: 'RECONNECT_MAX_DELAY_MS',
  bonusWorker: 'BONUS_WORKER',
  bonusBatchSize: 'BONUS_BATCH_SIZE',
  bonusPollMs: 'BONUS_POLL_MS',
  bonusMaxAttempts: 'BONUS_MAX_ATTEMPTS',
  sqlImportJobsDir: 'SQL_IMPORT_JOBS_DIR',
  sqlImportReloadMs: 'SQL_IMPORT_RELOAD_MS',
  sqlImportApiHosts: 'SQL_IMPORT_API_HOSTS',
};

export const configEnvNames = ENV_NAMES;

export class ConfigError extends Error {}

/**
 * Builds the config from (lowest to highest precedence) defaults, an optional
 * JSON file named by SMARTCOM_CONFIG, the environment, and explicit overrides.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const fromFile = env.SMARTCOM_CONFIG ? readConfigFile(env.SMARTCOM_CONFIG) : {};
  const fromEnv: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') fromEnv[key] = raw;
  }
  const merged = Value.Default(ConfigSchema, { ...fromFile, ...fromEnv, ...overrides });
  const converted = Value.Convert(ConfigSchema, merged);
  const errors = [...Value.Errors(ConfigSchema, converted)];
  if (errors.length > 0) {
    const detail = errors.map((e) => `${envNameOf(e.path)}: ${e.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${detail}`);
  }
  return converted as Config;
}

/**
 * The JSON file: an object of settings named as in the environment (PORT) or
 * as in the schema (httpPort). A name that is neither stops the start: a
 * setting silently ignored is worse than one refused.
 */
function readConfigFile(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`SMARTCOM_CONFIG ${path}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError(`SMARTCOM_CONFIG ${path}: not a JSON object of settings`);
  const keyOfEnvName = new Map(Object.entries(ENV_NAMES).map(([key, name]) => [name, key]));
  const settings: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    const key = Object.hasOwn(ENV_NAMES, name) ? name : keyOfEnvName.get(name);
    if (key) settings[key] = value;
    else unknown.push(name);
  }
  if (unknown.length > 0) {
    throw new ConfigError(`SMARTCOM_CONFIG ${path}: unknown setting(s) ${unknown.join(', ')}; use the variable names of the README (PORT, DATABASE_URL, …)`);
  }
  return settings;
}

function envNameOf(path: string): string {
  const key = path.replace(/^\//, '') as keyof Config;
  return ENV_NAMES[key] ?? key;
}
