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
  return entries;
}

/**
 * Sends error-queue entries back to the exchange they came from, with their
 * original routing key and message-id (so a replay of something that did get
 * applied meanwhile is still recognised as a repeat). Each entry leaves the
 * error queue only after the broker confirmed its republication.
 */
export async function replayErrorEntries(
  channel: ConfirmChannel,
  errorQueue: string,
  fallbackExchange: string,
  limit: number,
): Promise<number> {
  // Only what is there now: a replayed message that fails again goes back to
  // the tail of the queue and must not be replayed twice in one call.
  const { messageCount } = await channel.checkQueue(errorQueue);
  const todo = Math.min(limit, messageCount);
  let replayed = 0;
  while (replayed < todo) {
    const message = await channel.get(errorQueue, { noAck: false });
    if (message === false) break;
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
    await channel.waitForConfirms();
    channel.ack(message);
    replayed += 1;
  }
  return replayed;
}
