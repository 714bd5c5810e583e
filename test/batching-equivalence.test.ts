import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { generateLoymaxEvents } from '../bench/lib/generate-loymax-events.ts';
import { customerInfoFor } from '../bench/lib/loymax-customer-values.ts';
import { createRandom } from '../bench/lib/seeded-random.ts';
import { applyEvents } from '../src/apply/apply-batch.ts';
import type { CanonicalEvent } from '../src/events/canonical.ts';
import { parseLoymaxMessage } from '../src/ingest/loymax/parse.ts';
import { loymaxToCanonical } from '../src/ingest/loymax/to-canonical.ts';
import type { Store } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { openPostgresStore } from '../src/store/postgres-store.ts';
import { createTestDatabase, type TestDatabase } from './support/test-database.ts';

// The apply step folds a batch into one statement per table and applies its
// merges in waves. Whatever the batch boundaries, the store must end up as
// applying the events one by one leaves it: the same stream, dense in
// customers and merges (chains A into B into C, merges back, repeats), is
// applied in batches to one database and one event at a time to another,
// and every profile table is compared row for row.
const CUSTOMERS = 40;
const EVENTS = 1200;

function stream(): CanonicalEvent[] {
  const random = createRandom(7);
  const receivedAt = '2026-12-01T10:00:00.000Z';
  const events: CanonicalEvent[] = [];
  let n = 0;
  const add = (routingKey: string, body: unknown) => {
    const parsed = parseLoymaxMessage(routingKey, JSON.stringify(body));
    if (!parsed.ok) throw new Error(parsed.error.reason);
    events.push(loymaxToCanonical(parsed.value, { workspaceId: 'default', messageId: `m-${n++}`, redelivered: false, receivedAt }));
  };
  for (const e of generateLoymaxEvents({ events: EVENTS, customers: CUSTOMERS, seed: 3 })) {
    add(e.routingKey, e.body);
    if (random() < 0.08) {
      const from = 1 + Math.floor(random() * CUSTOMERS);
      const to = random() < 0.1 ? from : 1 + Math.floor(random() * CUSTOMERS);
      add('customer.profile.merge', { fromCustomerInfo: customerInfoFor(from), toCustomerInfo: customerInfoFor(to), eventCode: 'MergeCustomersProfiles' });
    }
  }
  return events;
}

const TABLES: Record<string, string> = {
  events: 'SELECT seq, event_id FROM events ORDER BY seq',
  customers: 'SELECT * FROM customers ORDER BY customer_key',
  cards: 'SELECT * FROM cards ORDER BY source, card_number',
  card_changes: 'SELECT * FROM card_changes ORDER BY source, card_number, event_seq',
  attributes: 'SELECT * FROM attributes ORDER BY customer_key, code',
  attribute_changes: 'SELECT * FROM attribute_changes ORDER BY event_seq',
  subscriptions: 'SELECT * FROM subscriptions ORDER BY customer_key, type_code',
  purchases: 'SELECT * FROM purchases ORDER BY source, purchase_id',
  refunds: 'SELECT * FROM refunds ORDER BY source, refund_id',
  customer_merges: 'SELECT * FROM customer_merges ORDER BY event_seq',
  identity_links: 'SELECT * FROM identity_links ORDER BY key_a, key_b',
};

const stores: Array<{ db: TestDatabase; store: Store }> = [];
before(async () => {
  for (let i = 0; i < 2; i++) {
    const db = await createTestDatabase();
    const store = openPostgresStore(db.url, 2);
    stores.push({ db, store });
    await migrate(store);
  }
});
after(async () => {
  for (const { db, store } of stores) {
    await store.close();
    await db.drop();
  }
});

test('a stream applied in batches leaves every profile table as applying it one event at a time does', { timeout: 120_000 }, async () => {
  const events = stream();
  const merges = events.filter((e) => e.change.kind === 'profilesMerged').length;
  assert.ok(merges > 50, `the stream holds ${merges} merges`);
  const [batched, single] = [stores[0]!.store, stores[1]!.store];
  for (let i = 0; i < events.length; i += 150) await applyEvents(batched, 'default', events.slice(i, i + 150));
  for (const event of events) await applyEvents(single, 'default', [event]);

  for (const [table, sql] of Object.entries(TABLES)) {
    const [a, b] = [(await batched.query(sql)).rows, (await single.query(sql)).rows];
    assert.ok(table === 'identity_links' || b.length > 0, `${table} is empty: the stream does not exercise it`);
    assert.deepEqual(a, b, `${table} differs`);
  }
});
