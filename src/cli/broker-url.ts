import type { Config } from '../config/config.ts';

/** CLI tools talk to the local broker when AMQP_URL is unset; the service does not consume then. */
export const brokerUrlOf = (config: Config): string => config.amqpUrl ?? 'amqp://guest:guest@127.0.0.1:5672';
