import type { Command } from 'commander';
import pino from 'pino';
import type { Config } from '../config/config.ts';
import { startService } from '../bin/service.ts';

export function registerServeCommand(program: Command, config: () => Config): void {
  program
    .command('serve')
    .description('run the service: HTTP API, and the Loymax consumer when AMQP_URL is set')
    .addHelpText('after', `
Settings come from the environment (or a JSON file named by SMARTCOM_CONFIG):
  DATABASE_URL  PostgreSQL; unset: an embedded store under SMARTCOM_DATA_DIR (default ./data)
  PORT, HOST    where the HTTP API listens (default 0.0.0.0:8080; OpenAPI at /docs)
  AMQP_URL      RabbitMQ of the loyalty system; unset: no consumer
The README lists them all.`)
    .action(async () => {
      const c = config();
      const logger = pino({ level: c.logLevel });
      const service = await startService(c, logger);
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'stopping: taking no more messages, applying those already delivered');
        service.stop().then(
          () => {
            logger.info('stopped cleanly');
            process.exit(0);
          },
          (error: unknown) => {
            logger.error({ err: error }, 'unclean stop');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => shutdown('SIGTERM'));
      process.on('SIGINT', () => shutdown('SIGINT'));
    });
}
