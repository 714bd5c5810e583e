import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { OutgoingLoymaxEvent } from '../broker/publish-loymax.ts';

/**
 * Reads a JSONL file of events to publish. A line is either a bare Loymax
 * model (routed by its eventCode) or an envelope
 * `{"routingKey"?, "messageId"?, "body": {...} | "raw text"}`.
 */
export async function* readEventLines(path: string): AsyncGenerator<OutgoingLoymaxEvent> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let number = 0;
  for await (const line of lines) {
    number += 1;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`${path}:${number}: not JSON: ${(error as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${path}:${number}: expected a JSON object`);
    const record = value as Record<string, unknown>;
    if ('body' in record && !('eventCode' in record)) {
      const body = record.body;
      if (typeof body !== 'string' && (typeof body !== 'object' || body === null)) throw new Error(`${path}:${number}: body must be an object or a string`);
      yield {
        body: body as Record<string, unknown> | string,
        ...(typeof record.routingKey === 'string' ? { routingKey: record.routingKey } : {}),
        ...(typeof record.messageId === 'string' ? { messageId: record.messageId } : {}),
      };
    } else {
      yield { body: record };
    }
  }
}
