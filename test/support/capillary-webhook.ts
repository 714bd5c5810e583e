import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from './test-app.ts';
import type { Store } from '../../src/store/db.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createApiKey } from '../../src/workspaces/api-keys.ts';
import { setWebhookSecret, type WebhookAuthMode } from '../../src/workspaces/webhook-secrets.ts';
import { createWorkspace } from '../../src/workspaces/workspaces.ts';
import { countQueued } from '../../src/apply/projection-queue-table.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { waitFor } from './wait-for.ts';

export const TEST_WEBHOOK_SECRET = 'whsec_test-secret-0123456789abcdef';

export interface WebhookResponse {
  status: number;
  body: any;
}

export interface CapillaryTestApp {
  app: FastifyInstance;
  store: Store;
  database: TestDatabase;
  url: string;
  /** POSTs a body (object: as JSON) to the workspace's Capillary webhook, signed with the test secret unless told otherwise. */
  post(body: unknown, options?: { workspace?: string; signature?: string | null; headers?: Record<string, string> }): Promise<WebhookResponse>;
  /** GET with the workspace's API key. */
  get(path: string, workspace?: string): Promise<WebhookResponse>;
  /** Makes a workspace with a webhook secret and an API key. */
  addWorkspace(id: string, mode?: WebhookAuthMode): Promise<void>;
  close(): Promise<void>;
}

export const sign = (body: string | Buffer, secret = TEST_WEBHOOK_SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/**
 * The HTTP app alone (no broker) on a fresh database, listening on a local
 * port, with the `default` workspace's Capillary secret set.
 */
export async function startCapillaryTestApp(): Promise<CapillaryTestApp> {
  const database = await createTestDatabase();
  const store = await openStore({ databaseUrl: database.url, dataDir: '' });
  const app = await buildTestApp(store);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const keys = new Map<string, string>();
  const addWorkspace = async (id: string, mode: WebhookAuthMode = 'signature') => {
    await createWorkspace(store, id);
    await setWebhookSecret(store, id, 'capillary', { secret: TEST_WEBHOOK_SECRET, mode });
    keys.set(id, (await createApiKey(store, id, 'test')).key);
  };
  await addWorkspace('default');
  return {
    app,
    store,
    database,
    url,
    addWorkspace,
    async post(body, options = {}) {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const signature = options.signature === undefined ? sign(text) : options.signature;
      const response = await fetch(`${url}/v1/webhooks/capillary/${options.workspace ?? 'default'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'x-signature': signature }), ...options.headers },
        body: text,
      });
      const reply = await response.text();
      // A 200 means the events are in the log; the tests read profiles, so they wait for the projection too.
      await projected(store, options.workspace ?? 'default');
      return { status: response.status, body: reply ? JSON.parse(reply) : null };
    },
    async get(path, workspace = 'default') {
      const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${keys.get(workspace)}` } });
      const reply = await response.text();
      return { status: response.status, body: reply ? JSON.parse(reply) : null };
    },
    async close() {
      await app.close();
      await store.close();
      await database.drop();
    },
  };
}

/** Waits until every event accepted for the workspace is projected onto the profiles (or kept as a projection failure). */
export async function projected(store: Store, workspace = 'default'): Promise<void> {
  await waitFor(`the accepted events of ${workspace} projected`, async () => (await countQueued(store, workspace)) === 0, 20_000, 5);
}

/** Rows per table in the public schema (for "nothing changed" checks). */
export async function tableCounts(store: Store): Promise<Record<string, number>> {
  const tables = await store.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const result = await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table_name}"`);
    counts[table_name] = Number(result.rows[0]?.n ?? 0);
  }
  return counts;
}

/** Every row of every table as text, for "no trace remains" checks. */
export async function dumpAllTables(store: Store): Promise<string> {
  const tables = await store.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
  );
  const parts: string[] = [];
  for (const { table_name } of tables.rows) {
    const rows = await store.query<{ row: string }>(`SELECT t::text AS row FROM "${table_name}" t`);
    parts.push(`## ${table_name}`, ...rows.rows.map((r) => r.row));
  }
  return parts.join('\n');
}
