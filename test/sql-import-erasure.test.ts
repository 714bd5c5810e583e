import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEvents } from '../src/apply/apply-batch.ts';
import { eventRowToCanonical } from '../src/ingest/sql/events-to-canonical.ts';
import { sqlCustomerRef, sqlRowEvent, type SqlRowContext } from '../src/ingest/sql/sql-event.ts';
import { useTestStore } from './support/test-store.ts';

// Imported customer events carry free-form attributes, which may be personal
// (a note with a phone number). When the customer's personal data is erased,
// those logged before are scrubbed and those imported after are logged
// without them, as for every other detail event.
const testStore = useTestStore('erasure');

const context: SqlRowContext = { workspaceId: 'erasure', sourceName: 'shop', receivedAt: '2026-11-22T00:00:00.000Z' };
const customerEvent = (localId: string) => {
  const mapped = eventRowToCanonical({ local_id: localId, customer_id: '77', event_type: 'call', date: '2026-11-20 10:00:00', note: 'call back on +7 999 000-11-22' }, context);
  assert.ok(mapped.ok);
  return mapped.value;
};
const erasure = () => {
  const customer = sqlCustomerRef(context, '77');
  return sqlRowEvent(context, 'erasure', { customer, recordKey: customer.key, stream: 'profile', occurredAt: null }, { localId: '77' }, { kind: 'personalDataErased', reason: 'test' });
};
const payloadsWithPhone = async () =>
  Number((await testStore().query<{ n: string }>("SELECT count(*) AS n FROM events WHERE workspace_id = 'erasure' AND payload::text LIKE '%999 000-11-22%'")).rows[0]!.n);

test("an erasure scrubs the customer's imported events, before and after it", async () => {
  await applyEvents(testStore(), 'erasure', [customerEvent('e1')]);
  assert.equal(await payloadsWithPhone(), 1, 'the note is logged while the customer is not erased');
  await applyEvents(testStore(), 'erasure', [erasure()]);
  assert.equal(await payloadsWithPhone(), 0, 'scrubbed at the erasure');
  await applyEvents(testStore(), 'erasure', [customerEvent('e2')]);
  assert.equal(await payloadsWithPhone(), 0, 'an event imported after the erasure is logged without it');
  const logged = await testStore().query<{ n: string }>("SELECT count(*) AS n FROM events WHERE workspace_id = 'erasure' AND event_code = 'sql.events'");
  assert.equal(Number(logged.rows[0]!.n), 2, 'both events are still in the log (as tombstoned payloads)');
});
