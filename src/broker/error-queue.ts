import type { Channel, ConfirmChannel, GetMessage, Message } from 'amqplib';

/**
 * The error queue: messages smartcom could not apply, each with the reason in
 * its headers, kept until someone replays or purges them.
 */
export const ERROR_HEADERS = {
  code: 'x-smartcom-error-code',
  reason: 'x-smartcom-error-reason',
  attempts: 'x-smartcom-attempts',
  failedAt: 'x-smartcom-failed-at',
  exchange: 'x-smartcom-original-exchange',
  routingKey: 'x-smartcom-original-routing-key',
} as const;

export interface ErrorDetail {
  code: string;
  reason: string;
  attempts: number;
}

/** Copies a message to the error queue and waits for the broker's confirm. */
export async function sendToErrorQueue(channel: ConfirmChannel, errorQueue: string, message: Message, error: ErrorDetail): Promise<void> {
  const props = message.properties;
  channel.sendToQueue(errorQueue, message.content, {
    persistent: true,
    contentType: props.contentType,
    contentEncoding: props.contentEncoding,
    messageId: props.messageId,
    correlationId: props.correlationId,
    timestamp: props.timestamp,
    type: props.type,
    appId: props.appId,
    headers: {
      ...(props.headers ?? {}),
      [ERROR_HEADERS.code]: error.code,
      [ERROR_HEADERS.reason]: error.reason.slice(0, 2000),
      [ERROR_HEADERS.attempts]: error.attempts,
      [ERROR_HEADERS.failedAt]: new Date().toISOString(),
      [ERROR_HEADERS.exchange]: message.fields.exchange,
      [ERROR_HEADERS.routingKey]: message.fields.routingKey,
    },
  });
  await channel.waitForConfirms();
}

export interface ErrorEntry {
  messageId: string | null;
  code: string;
  reason: string;
  attempts: number;
  failedAt: string | null;
  exchange: string | null;
  routingKey: string | null;
  bodyPreview: string;
  bytes: number;
}

function describeEntry(message: GetMessage): ErrorEntry {
  const h = (message.properties.headers ?? {}) as Record<string, unknown>;
  const text = message.content.toString('utf8');
  return {
    messageId: message.properties.messageId ?? null,
    code: String(h[ERROR_HEADERS.code] ?? 'unknown'),
    reason: String(h[ERROR_HEADERS.reason] ?? ''),
    attempts: Number(h[ERROR_HEADERS.attempts] ?? 0),
    failedAt: (h[ERROR_HEADERS.failedAt] as string | undefined) ?? null,
    exchange: (h[ERROR_HEADERS.exchange] as string | undefined) ?? null,
    routingKey: (h[ERROR_HEADERS.routingKey] as string | undefined) ?? null,
    bodyPreview: text.length > 300 ? `${text.slice(0, 300)}…` : text,
    bytes: message.content.length,
  };
}

/**
 * Acks are not confirmed in AMQP 0-9-1, and closing the connection right
 * after one can overtake it (the broker handles a channel's frames in order,
 * but the connection close on its own). An answered call on the same channel
 * proves the ack before it was handled.
 */
export async function ackLanded(channel: Channel, queue: string): Promise<number> {
  return (await channel.checkQueue(queue)).messageCount;
}

/**
 * Reads up to `limit` entries without removing them: they are taken unacked
 * and handed back (requeued) once read.
 */
export async function listErrorEntries(channel: Channel, errorQueue: string, limit: number): Promise<ErrorEntry[]> {
  const entries: ErrorEntry[] = [];
  let last: GetMessage | false = false;
  while (entries.length < limit) {
    const message = await channel.get(errorQueue, { noAck: false });
    if (message === false) break;
    last = message;
    entries.push(describeEntry(message));
  }
  if (last) channel.nack(last, true, true);
  await ackLanded(channel, errorQueue);
  return entries;
}

/**
 * Sends error-queue entries back to the exchange they came from, with their
 * original routing key and message-id (so a replay of something that did get
 * applied meanwhile is still recognised as a repeat). All entries to replay
 * are taken (unacked) before any is republished, so a replayed message that
 * fails again and returns to the queue is never replayed twice in one call;
 * they leave the error queue only after the broker confirmed every
 * republication.
 */
export async function replayErrorEntries(
  channel: ConfirmChannel,
  errorQueue: string,
  fallbackExchange: string,
  limit: number,
): Promise<number> {
  const { messageCount } = await channel.checkQueue(errorQueue);
  const taken: GetMessage[] = [];
  while (taken.length < Math.min(limit, messageCount)) {
    const message = await channel.get(errorQueue, { noAck: false });
    if (message === false) break;
    taken.push(message);
  }
  for (const message of taken) {
    const headers = { ...((message.properties.headers ?? {}) as Record<string, unknown>) };
    const exchange = (headers[ERROR_HEADERS.exchange] as string | undefined) ?? fallbackExchange;
    const routingKey = (headers[ERROR_HEADERS.routingKey] as string | undefined) ?? message.fields.routingKey;
    for (const name of Object.values(ERROR_HEADERS)) delete headers[name];
    channel.publish(exchange, routingKey, message.content, {
      persistent: true,
      contentType: message.properties.contentType,
      messageId: message.properties.messageId,
      headers,
    });
  }
  await channel.waitForConfirms();
  const last = taken.at(-1);
  if (last) channel.ack(last, true);
  await ackLanded(channel, errorQueue);
  return taken.length;
}
