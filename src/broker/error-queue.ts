import type { Channel, ConfirmChannel, GetMessage, Message } from 'amqplib';

/**
 * The error queue: messages smartcom could not apply, each with the reason in
 * its headers, kept until someone replays or discards them
 * (`smartcom errors replay / discard`).
 */
export const ERROR_HEADERS = {
  code: 'x-smartcom-error-code',
  reason: 'x-smartcom-error-reason',
  attempts: 'x-smartcom-attempts',
  failedAt: 'x-smartcom-failed-at',
  /** When the message first failed: kept across replays that fail again. */
  firstFailedAt: 'x-smartcom-first-failed-at',
  exchange: 'x-smartcom-original-exchange',
  routingKey: 'x-smartcom-original-routing-key',
} as const;

export interface ErrorDetail {
  code: string;
  reason: string;
  attempts: number;
}

/**
 * A replay goes straight to smartcom's own queue (the default exchange), not
 * back through the loyalty system's topic exchange, whose other queues must
 * not get the message twice; it carries its original exchange and routing
 * key here, and they are what the consumer reads it by.
 */
const REPLAY_HEADERS = { exchange: 'x-smartcom-replay-exchange', routingKey: 'x-smartcom-replay-routing-key' } as const;

/** Where a delivery was first published: its own exchange and key, or those a replay carries. */
export function originalRouteOf(message: Message): { exchange: string; routingKey: string } {
  const h = (message.properties.headers ?? {}) as Record<string, unknown>;
  const replayedKey = h[REPLAY_HEADERS.routingKey];
  if (message.fields.exchange === '' && typeof replayedKey === 'string') {
    return { exchange: String(h[REPLAY_HEADERS.exchange] ?? ''), routingKey: replayedKey };
  }
  return { exchange: message.fields.exchange, routingKey: message.fields.routingKey };
}

/** Copies a message to the error queue and waits for the broker's confirm. */
export async function sendToErrorQueue(channel: ConfirmChannel, errorQueue: string, message: Message, error: ErrorDetail): Promise<void> {
  const props = message.properties;
  const route = originalRouteOf(message);
  const failedAt = new Date().toISOString();
  const headers: Record<string, unknown> = { ...(props.headers ?? {}) };
  for (const name of Object.values(REPLAY_HEADERS)) delete headers[name];
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
      ...headers,
      [ERROR_HEADERS.code]: error.code,
      [ERROR_HEADERS.reason]: error.reason.slice(0, 2000),
      [ERROR_HEADERS.attempts]: error.attempts,
      [ERROR_HEADERS.failedAt]: failedAt,
      [ERROR_HEADERS.firstFailedAt]: typeof headers[ERROR_HEADERS.firstFailedAt] === 'string' ? headers[ERROR_HEADERS.firstFailedAt] : failedAt,
      [ERROR_HEADERS.exchange]: route.exchange,
      [ERROR_HEADERS.routingKey]: route.routingKey,
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
  firstFailedAt: string | null;
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
    firstFailedAt: (h[ERROR_HEADERS.firstFailedAt] as string | undefined) ?? (h[ERROR_HEADERS.failedAt] as string | undefined) ?? null,
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

/** Which entries a replay or a discard takes; no field: every entry. */
export interface ErrorEntryFilter {
  code?: string | undefined;
  messageId?: string | undefined;
}

const matches = (message: GetMessage, filter: ErrorEntryFilter) =>
  (filter.code === undefined || describeEntry(message).code === filter.code) &&
  (filter.messageId === undefined || message.properties.messageId === filter.messageId);

/**
 * Takes (unacked) the entries the filter picks, up to `limit`, looking at
 * each entry once: every message in the queue when the call starts, no
 * more, so one that fails again and returns is not taken twice. The others
 * are handed back (requeued) by `settle`.
 */
async function takeEntries(channel: Channel, errorQueue: string, limit: number, filter: ErrorEntryFilter) {
  const { messageCount } = await channel.checkQueue(errorQueue);
  const picked: GetMessage[] = [];
  const passed: GetMessage[] = [];
  for (let seen = 0; seen < messageCount && picked.length < limit; seen++) {
    const message = await channel.get(errorQueue, { noAck: false });
    if (message === false) break;
    (matches(message, filter) ? picked : passed).push(message);
  }
  return {
    picked,
    /** Removes the picked entries from the error queue and hands the others back. */
    async settle(): Promise<void> {
      for (const message of picked) channel.ack(message);
      for (const message of passed) channel.nack(message, false, true);
      await ackLanded(channel, errorQueue);
    },
    /** Hands every taken entry back: nothing leaves the error queue. */
    async giveBack(): Promise<void> {
      for (const message of [...picked, ...passed]) channel.nack(message, false, true);
      await ackLanded(channel, errorQueue);
    },
  };
}

/**
 * Sends the error-queue entries the filter picks back to smartcom's queue,
 * with their original routing key and message-id (so a replay of something
 * that did get applied meanwhile is still recognised as a repeat). They
 * leave the error queue only after the broker confirmed every
 * republication. Returns how many were replayed.
 */
export async function replayErrorEntries(channel: ConfirmChannel, errorQueue: string, queue: string, limit: number, filter: ErrorEntryFilter = {}): Promise<number> {
  // A queue that does not exist would take nothing, yet confirm every message: the entries would be acked away.
  await channel.checkQueue(queue);
  const returned: string[] = [];
  const onReturn = (message: Message) => returned.push(message.properties.messageId ?? '(no message-id)');
  channel.on('return', onReturn);
  try {
    return await replayTaken(channel, errorQueue, queue, limit, filter, returned);
  } finally {
    channel.off('return', onReturn);
  }
}

async function replayTaken(channel: ConfirmChannel, errorQueue: string, queue: string, limit: number, filter: ErrorEntryFilter, returned: readonly string[]): Promise<number> {
  const taken = await takeEntries(channel, errorQueue, limit, filter);
  for (const message of taken.picked) {
    const headers = { ...((message.properties.headers ?? {}) as Record<string, unknown>) };
    const original = describeEntry(message);
    for (const name of Object.values(ERROR_HEADERS)) delete headers[name];
    channel.sendToQueue(queue, message.content, {
      persistent: true,
      mandatory: true,
      contentType: message.properties.contentType,
      messageId: message.properties.messageId,
      headers: {
        ...headers,
        [ERROR_HEADERS.firstFailedAt]: original.firstFailedAt,
        [REPLAY_HEADERS.exchange]: original.exchange ?? '',
        [REPLAY_HEADERS.routingKey]: original.routingKey ?? message.fields.routingKey,
      },
    });
  }
  await channel.waitForConfirms();
  if (returned.length > 0) {
    await taken.giveBack();
    throw new Error(`${queue} did not take ${returned.length} replayed message(s) (${returned.slice(0, 5).join(', ')}); every entry stays in ${errorQueue}`);
  }
  await taken.settle();
  return taken.picked.length;
}

/** Removes the entries the filter picks for good (messages that will never be valid). Returns how many. */
export async function discardErrorEntries(channel: Channel, errorQueue: string, limit: number, filter: ErrorEntryFilter): Promise<number> {
  const taken = await takeEntries(channel, errorQueue, limit, filter);
  await taken.settle();
  return taken.picked.length;
}
