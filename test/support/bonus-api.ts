import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { startBonusWorker } from '../../src/bonus/bonus-worker.ts';
import type { Queryable, Store } from '../../src/store/db.ts';
import { waitFor } from './wait-for.ts';

/** A client of the bonus endpoints for tests: `url` and `apiKey` of a running service. */
export function bonusClient(url: string, apiKey: string) {
  /** `text` is the answer as sent: JSON.parse reads numbers as doubles, which hold no more than 15 to 17 digits. */
  async function call(method: 'GET' | 'POST', path: string, body?: unknown, key = apiKey): Promise<{ status: number; body: any; text: string }> {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, text };
  }
  const client = {
    call,
    /** POST /v1/bonus/commands with a body (a string is sent as is). */
    command: (body: unknown, key?: string) => call('POST', '/v1/bonus/commands', body, key),
    add: (items: unknown[], key?: string) => client.command({ add: items, typeOfCommand: 'addCustomerPointMessage' }, key),
    block: (customers: unknown[]) => client.command({ customers, typeOfCommand: 'blockCustomers' }),
    activate: (customers: unknown[]) => client.command({ customers, typeOfCommand: 'activateCustomers' }),
    operations: (query: Record<string, unknown>, key?: string) => client.command({ typeOfCommand: 'getBonusOperationExt', ...query }, key),
    account: (uniqId: string, key?: string) => call('GET', `/v1/bonus/customers/${encodeURIComponent(uniqId)}`, undefined, key),
    authorise: (uniqId: string) => call('POST', `/v1/bonus/customers/${encodeURIComponent(uniqId)}/authorisations`),
    outcome: (commandId: string) => call('GET', `/v1/bonus/commands/${commandId}`),
    /** Waits until the background process has been through every item of the command; returns its outcome. */
    async settled(commandId: string): Promise<any> {
      return waitFor(`command ${commandId} processed`, async () => {
        const outcome = await client.outcome(commandId);
        return outcome.status === 200 && outcome.body.queued === 0 ? outcome.body : undefined;
      });
    },
    /** Sends an addCustomerPointMessage command, checks every item was accepted, waits for its outcome. */
    async addAndSettle(items: unknown[]): Promise<any> {
      const answer = await client.add(items);
      if (answer.status !== 200) throw new Error(`command refused: ${JSON.stringify(answer.body)}`);
      return client.settled(answer.body.commandId);
    },
  };
  return client;
}

export type BonusClient = ReturnType<typeof bonusClient>;

let phoneCounter = 0;
/** A phone nobody else in this process was given: +7 and ten digits. */
export const freshPhone = (): string => `+7${String(9_000_000_000 + process.pid * 1000 + ++phoneCounter).slice(-10)}`;
export const freshId = (prefix = 'c'): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/** An addCustomerPointMessage item with a fresh guid. */
export const item = (fields: Record<string, unknown>): Record<string, unknown> => ({ guid: randomUUID(), ...fields });

/** Items still waiting for the background process (the queue), in every workspace. */
export async function queuedItems(db: Queryable): Promise<number> {
  const result = await db.query<{ n: number }>("SELECT COALESCE(sum(queued_count), 0)::int AS n FROM bonus_commands WHERE state = 'queued'");
  return Number(result.rows[0]?.n ?? 0);
}

export const waitForDrained = (db: Queryable, timeoutMs?: number) =>
  waitFor('bonus queue drained', async () => (await queuedItems(db)) === 0, timeoutMs);

/** Customers whose kept balance differs from the sum of their ledger operations (should be none). */
export async function balanceMismatches(db: Queryable): Promise<Array<{ workspace_id: string; uniq_id: string; balance: string; ledger: string }>> {
  const result = await db.query<{ workspace_id: string; uniq_id: string; balance: string; ledger: string }>(
    `SELECT c.workspace_id, c.uniq_id, c.balance::text AS balance, COALESCE(o.total, 0)::text AS ledger
       FROM bonus_customers c
       LEFT JOIN (SELECT workspace_id, uniq_id, sum(amount) AS total FROM bonus_operations GROUP BY workspace_id, uniq_id) o
         ON o.workspace_id = c.workspace_id AND o.uniq_id = c.uniq_id
      WHERE c.balance <> COALESCE(o.total, 0)`,
  );
  return result.rows;
}

/** More background workers on the same store (beside the service's own), so batches really are claimed side by side. */
export function startExtraWorkers(store: Store, count: number, batchSize: number): { stop(): Promise<void> } {
  const workers = Array.from({ length: count }, () =>
    startBonusWorker({ batchSize, pollMs: 5, maxAttempts: 5, retryMaxDelayMs: 1000 }, { store, log: pino({ level: 'silent' }) }),
  );
  return { stop: async () => void (await Promise.all(workers.map((w) => w.stop()))) };
}
