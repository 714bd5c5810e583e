import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateLoymaxEvents } from '../bench/lib/generate-loymax-events.ts';
import { applyEvents } from '../src/apply/apply-batch.ts';
import type { CanonicalEvent } from '../src/events/canonical.ts';
import { parseLoymaxMessage } from '../src/ingest/loymax/parse.ts';
import { loymaxToCanonical } from '../src/ingest/loymax/to-canonical.ts';
import { useTestStore } from './support/test-store.ts';

// A batch's table writes are handed to the store one after the other without
// waiting for each answer. When one fails, the batch must leave nothing
// behind: the writes queued after it must not reach the store after the
// rollback (on their own, or in the next transaction on the connection).
const testStore = useTestStore('atomic');
const TABLES = ['events', 'customers', 'cards', 'card_changes', 'attributes', 'attribute_changes', 'subscriptions', 'purchases', 'refunds'];

test('a batch whose write to one table fails leaves no row in any table', async () => {
  const store = testStore();
  const events: CanonicalEvent[] = [];
  let n = 0;
  for (const e of generateLoymaxEvents({ events: 300, customers: 30, seed: 3 })) {
    const parsed = parseLoymaxMessage(e.routingKey, JSON.stringify(e.body));
    if (!parsed.ok) throw new Error(parsed.error.reason);
    events.push(loymaxToCanonical(parsed.value, { workspaceId: 'atomic', messageId: `m-${n++}`, redelivered: false, receivedAt: '2026-12-01T10:00:00.000Z' }));
  }
  // The cards write comes early among the batch's writes; the attributes, purchases ... after it.
  await store.query('ALTER TABLE cards ADD CONSTRAINT refuse_every_card CHECK (false) NOT VALID');
  try {
    await assert.rejects(applyEvents(store, 'atomic', events), /refuse_every_card/);
    // the next transaction on the pool's connections must not take anything over either
    await store.transaction(async (tx) => void (await tx.query('SELECT 1')));
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const table of TABLES) {
      const { rows } = await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE workspace_id = 'atomic'`);
      assert.equal(rows[0]!.n, 0, `${table} kept rows of the failed batch`);
    }
  } finally {
    await store.query('ALTER TABLE cards DROP CONSTRAINT refuse_every_card');
  }
});
