import { randomUUID } from 'node:crypto';
import amqp, { type ConfirmChannel } from 'amqplib';
import { routingKeyForEventCode } from '../ingest/loymax/routing-keys.ts';

/**
 * The loyalty side of the contract: publishes Loymax events to the exchange
 * with their routing key, persistent, and waits for the broker's publisher
 * confirms. Used by `smartcom publish`, the tests and the benchmark.
 */
export interface OutgoingLoymaxEvent {
  /** Defaults to the key the contract gives the body's eventCode. */
  routingKey?: string;
  /** A model object, or raw text sent as is (to send exactly what a producer would). */
  body: Record<string, unknown> | string;
  /** Defaults to a random id; null sends none. */
  messageId?: string | null;
}

export class UnroutableEventError extends Error {}

export function routingKeyOf(event: OutgoingLoymaxEvent): string {
  if (event.routingKey) return event.routingKey;
  const code = typeof event.body === 'string' ? undefined : event.body.eventCode;
  const key = typeof code === 'string' ? routingKeyForEventCode(code) : undefined;
  if (!key) throw new UnroutableEventError(`no routingKey given and eventCode ${JSON.stringify(code)} is not in the contract`);
  return key;
}

export interface LoymaxPublisher {
  /** Publishes in order; resolves when the broker has confirmed every message. */
  publish(events: Iterable<OutgoingLoymaxEvent> | AsyncIterable<OutgoingLoymaxEvent>): Promise<number>;
  close(): Promise<void>;
}

const CONFIRM_WINDOW = 5000;

export interface LoymaxPublisherOptions {
  /**
   * Every message must reach a queue: one the exchange routes nowhere (a
   * routing key no queue is bound to) is returned by the broker, and publish
   * rejects with UnroutableEventError naming it, once all are confirmed.
   * Off by default: tests publish keys no one listens to on purpose.
   */
  requireRoute?: boolean;
}

export async function openLoymaxPublisher(url: string, exchange: string, options: LoymaxPublisherOptions = {}): Promise<LoymaxPublisher> {
  const connection = await amqp.connect(url, { clientProperties: { connection_name: 'smartcom publisher' } });
  connection.on('error', () => {});
  const channel = await connection.createConfirmChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  return {
    publish: async (events) => {
      const returned: string[] = [];
      const onReturn = (message: { fields: { routingKey: string }; properties: { messageId?: string } }) =>
        returned.push(`${message.fields.routingKey} (message-id ${message.properties.messageId ?? 'none'})`);
      channel.on('return', onReturn);
      try {
        const sent = await publishConfirmed(channel, exchange, events, options.requireRoute === true);
        if (returned.length > 0) {
          const shown = returned.slice(0, 10).join(', ');
          throw new UnroutableEventError(`${returned.length} of ${sent} message(s) reached no queue: ${shown}${returned.length > 10 ? ', …' : ''}`);
        }
        return sent;
      } finally {
        channel.off('return', onReturn);
      }
    },
    close: () => connection.close(),
  };
}

async function publishConfirmed(
  channel: ConfirmChannel,
  exchange: string,
  events: Iterable<OutgoingLoymaxEvent> | AsyncIterable<OutgoingLoymaxEvent>,
  mandatory: boolean,
): Promise<number> {
  let sent = 0;
  let unconfirmed = 0;
  for await (const event of events) {
    const content = Buffer.from(typeof event.body === 'string' ? event.body : JSON.stringify(event.body));
    const messageId = event.messageId === undefined ? randomUUID() : event.messageId;
    const ok = channel.publish(exchange, routingKeyOf(event), content, {
      persistent: true,
      mandatory,
      contentType: 'application/json',
      ...(messageId === null ? {} : { messageId }),
    });
    sent += 1;
    unconfirmed += 1;
    if (!ok) await new Promise((resolve) => channel.once('drain', resolve));
    if (unconfirmed >= CONFIRM_WINDOW) {
      await channel.waitForConfirms();
      unconfirmed = 0;
    }
  }
  await channel.waitForConfirms();
  return sent;
}
