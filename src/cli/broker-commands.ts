import amqp from 'amqplib';
import type { Command } from 'commander';
import type { Config } from '../config/config.ts';
import { discardErrorEntries, listErrorEntries, replayErrorEntries } from '../broker/error-queue.ts';
import { openLoymaxPublisher } from '../broker/publish-loymax.ts';
import { applyLoymaxTopology } from '../broker/topology.ts';
import { brokerUrlOf } from './broker-url.ts';
import { checkEventLines, readEventLines } from './read-event-lines.ts';
import { positiveInt } from './positive-int.ts';

async function withChannel<T>(config: Config, fn: (channel: amqp.ConfirmChannel) => Promise<T>): Promise<T> {
  const connection = await amqp.connect(brokerUrlOf(config));
  try {
    const channel = await connection.createConfirmChannel();
    // A broker's refusal (a queue that does not exist) rejects the call in hand; as an event too it would crash the command.
    channel.on('error', () => {});
    connection.on('error', () => {});
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
        else console.log(`${e.failedAt ?? '?'}${e.firstFailedAt && e.firstFailedAt !== e.failedAt ? ` (first ${e.firstFailedAt})` : ''}  ${e.code}  ${e.routingKey ?? ''}  ${e.messageId ?? '-'}\n    ${e.reason}\n    ${e.bodyPreview.replace(/\s+/g, ' ').slice(0, 160)}`);
      }
      if (!options.json) console.log(`${entries.length} message(s) in ${c.loymaxErrorQueue}${entries.length === options.limit ? ' (or more)' : ''}`);
    });
  errors
    .command('replay')
    .description("send error-queue messages back to smartcom's queue (not through the exchange, whose other queues must not get them twice), with their original routing key and message-id")
    .option('--limit <n>', 'at most this many (all are held while they are republished)', positiveInt, 10_000)
    .option('--code <code>', 'only entries with this error code (see errors list)')
    .option('--message-id <id>', 'only the entry with this message-id')
    .action(async (options: { limit: number; code?: string; messageId?: string }) => {
      const c = config();
      const replayed = await withChannel(c, (channel) =>
        replayErrorEntries(channel, c.loymaxErrorQueue, c.loymaxQueue, options.limit, { code: options.code, messageId: options.messageId }),
      );
      console.log(`replayed ${replayed} message(s) to ${c.loymaxQueue}`);
    });
  errors
    .command('discard')
    .description('remove error-queue entries for good: messages that will never be valid')
    .option('--limit <n>', 'at most this many', positiveInt, 10_000)
    .option('--code <code>', 'entries with this error code')
    .option('--message-id <id>', 'the entry with this message-id')
    .option('--all', 'every entry')
    .action(async (options: { limit: number; code?: string; messageId?: string; all?: boolean }) => {
      if (!options.all && options.code === undefined && options.messageId === undefined) {
        throw new Error('say which entries to discard: --code, --message-id, or --all');
      }
      const c = config();
      const discarded = await withChannel(c, (channel) =>
        discardErrorEntries(channel, c.loymaxErrorQueue, options.limit, { code: options.code, messageId: options.messageId }),
      );
      console.log(`discarded ${discarded} message(s) from ${c.loymaxErrorQueue}`);
    });

  program
    .command('publish <file>')
    .description('publish a JSONL file of Loymax events to the exchange with publisher confirms; the file is checked first and a message that reaches no queue is an error')
    .action(async (file: string) => {
      const c = config();
      const checked = await checkEventLines(file);
      if (checked.problems.length > 0) {
        const shown = checked.problems.slice(0, 20).join('\n  ');
        throw new Error(`nothing was published; ${checked.problems.length} line(s) to fix:\n  ${shown}${checked.problems.length > 20 ? '\n  …' : ''}`);
      }
      const publisher = await openLoymaxPublisher(brokerUrlOf(c), c.loymaxExchange, { requireRoute: true });
      try {
        const sent = await publisher.publish(readEventLines(file));
        console.log(`published ${sent} event(s) to ${c.loymaxExchange}, all confirmed and routed to a queue`);
      } finally {
        await publisher.close().catch(() => {});
      }
    });
}
