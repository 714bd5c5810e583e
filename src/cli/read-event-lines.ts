import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { routingKeyOf, type OutgoingLoymaxEvent } from '../broker/publish-loymax.ts';

/**
 * A JSONL file of events to publish. A line is either a bare Loymax model
 * (routed by its eventCode) or an envelope
 * `{"routingKey"?, "messageId"?, "body": {...} | "raw text"}`; a messageId of
 * null publishes without one.
 */
type LineRecord = { line: number; event: OutgoingLoymaxEvent } | { line: number; problem: string };

async function* readLineRecords(path: string): AsyncGenerator<LineRecord> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let number = 0;
  for await (const text of lines) {
    number += 1;
    if (text.trim() === '') continue;
    yield { line: number, ...eventOfLine(text) };
  }
}

function eventOfLine(text: string): { event: OutgoingLoymaxEvent } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `not JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'expected a JSON object' };
  const record = value as Record<string, unknown>;
  if (!('body' in record) || 'eventCode' in record) return { event: { body: record } };
  const body = record.body;
  if (typeof body !== 'string' && (typeof body !== 'object' || body === null || Array.isArray(body))) return { problem: 'body must be an object or a string' };
  return {
    event: {
      body: body as Record<string, unknown> | string,
      ...(typeof record.routingKey === 'string' ? { routingKey: record.routingKey } : {}),
      ...(typeof record.messageId === 'string' || record.messageId === null ? { messageId: record.messageId } : {}),
    },
  };
}

/**
 * Reads the whole file before anything is published: every line that is not
 * an event, or has no routing key (none given and no contract eventCode),
 * is named with its line number.
 */
export async function checkEventLines(path: string): Promise<{ events: number; problems: string[] }> {
  const problems: string[] = [];
  let events = 0;
  for await (const record of readLineRecords(path)) {
    if ('problem' in record) {
      problems.push(`${path}:${record.line}: ${record.problem}`);
      continue;
    }
    events += 1;
    try {
      routingKeyOf(record.event);
    } catch (error) {
      problems.push(`${path}:${record.line}: ${(error as Error).message}`);
    }
  }
  return { events, problems };
}

/** The file's events in order (run checkEventLines first: a bad line throws here). */
export async function* readEventLines(path: string): AsyncGenerator<OutgoingLoymaxEvent> {
  for await (const record of readLineRecords(path)) {
    if ('problem' in record) throw new Error(`${path}:${record.line}: ${record.problem}`);
    yield record.event;
  }
}
