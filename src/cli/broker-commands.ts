import amqp from 'amqplib';
import type { Command } from 'commander';
import type { Config } from '../config/config.ts';
import { listErrorEntries, replayErrorEntries } from '../broker/error-queue.ts';
import { openLoymaxPublisher } from '../broker/publish-loymax.ts';
import { applyLoymaxTopology } from '../broker/topology.ts';
import { brokerUrlOf } from './broker-url.ts';
import { readEventLines } from './read-event-lines.ts';
import { positiveInt } from './positive-int.ts';

async function withChannel<T>(config: Config, fn: (channel: amqp.ConfirmChannel) => Promise<T>): Promise<T> {
  const connection = await amqp.connect(brokerUrlOf(config));
  try {
    const channel = await connection.createConfirmChannel();
    return await fn(channel);
  } finally {
    await connection.close().catch(() => {});
  }
}

export function registerBrokerCommands(program: Command, config: () => Config): void {
  program
    .command('topology')
    .description('broker topology')
    .command('apply')
    .description('declare the exchange, smc.customerEvents with its bindings, and the error queue (idempotent)')
    .action(async () => {
      const c = config();
      await withChannel(c, (channel) => applyLoymaxTopology(channel, { exchange: c.loymaxExchange, queue: c.loymaxQueue, errorQueue: c.loymaxErrorQueue }));
      console.log(`exchange ${c.loymaxExchange} -> queue ${c.loymaxQueue} bound; error queue ${c.loymaxErrorQueue}`);
    });

  const errors = program.command('errors').description('the error queue: messages that could not be applied');
  errors
    .command('list')
    .option('--limit <n>', 'at most this many', positiveInt, 50)
    .option('--json', 'one JSON object per line')
    .action(async (options: { limit: number; json?: boolean }) => {
      const c = config();
      const entries = await withChannel(c, (channel) => listErrorEntries(channel, c.loymaxErrorQueue, options.limit));
      for (const e of entries) {
        if (options.json) console.log(JSON.stringify(e));
        else console.log(`${e.failedAt ?? '?'}  ${e.code}  ${e.routingKey ?? ''}  ${e.messageId ?? '-'}\n    ${e.reason}\n    ${e.bodyPreview.replace(/\s+/g, ' ').slice(0, 160)}`);
      }
      if (!options.json) console.log(`${entries.length} message(s) in ${c.loymaxErrorQueue}${entries.length === options.limit ? ' (or more)' : ''}`);
    });
  errors
    .command('replay')
    .description('send error-queue messages back to the exchange with their original routing key')
    .option('--limit <n>', 'at most this many (all are held while they are republished)', positiveInt, 10_000)
    .action(async (options: { limit: number }) => {
      const c = config();
      const replayed = await withChannel(c, (channel) => replayErrorEntries(channel, c.loymaxErrorQueue, c.loymaxExchange, options.limit));
      console.log(`replayed ${replayed} message(s) to ${c.loymaxExchange}`);
    });

  program
    .command('publish <file>')
    .description('publish a JSONL file of Loymax events to the exchange with publisher confirms')
    .action(async (file: string) => {
      const c = config();
      const publisher = await openLoymaxPublisher(brokerUrlOf(c), c.loymaxExchange);
      try {
        const sent = await publisher.publish(readEventLines(file));
        console.log(`published ${sent} event(s) to ${c.loymaxExchange}, all confirmed`);
      } finally {
        await publisher.close().catch(() => {});
      }
    });
}
