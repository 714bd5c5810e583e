import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRecordChange } from '../../events/canonical.ts';
import { eventRowToCanonical } from './events-to-canonical.ts';

const context = { workspaceId: 'acme', sourceName: 'shop', receivedAt: '2026-11-22T00:00:00.000Z' };
const review = {
  local_id: 77,
  customer_id: 1001,
  event_type: 'review',
  date: '2026-05-06 07:08:09.5',
  rating: 5,
  text: ' Great shop ',
  store_id: null,
  verified: true,
  extra: { channel: 'app' },
};

test('an events row becomes customerEventRecorded on the customer, other columns as text attributes', () => {
  const mapped = eventRowToCanonical(review, context);
  assert.ok(mapped.ok, !mapped.ok ? mapped.error : '');
  const event = mapped.value;
  assert.ok(!isRecordChange(event.change), 'it belongs to the customer');
  assert.equal(event.customer.key, 'sql:shop:1001');
  assert.equal(event.occurredAt, '2026-05-06T07:08:09.500Z');
  assert.deepEqual(event.change, {
    kind: 'customerEventRecorded',
    eventType: 'review',
    // An empty cell (store_id) is no attribute.
    attributes: { rating: '5', text: 'Great shop', verified: 'true', extra: '{"channel":"app"}' },
  });
  assert.deepEqual((event.payload as { eventType: string }).eventType, 'review');
});

test('without a date the event has no time of its own', () => {
  const mapped = eventRowToCanonical({ local_id: 1, customer_id: 2, event_type: 'visit' }, context);
  assert.ok(mapped.ok);
  assert.equal(mapped.value.occurredAt, null);
  assert.deepEqual(mapped.value.change, { kind: 'customerEventRecorded', eventType: 'visit', attributes: {} });
});

test('the same row read again has the same event id; a changed row a new one', () => {
  const first = eventRowToCanonical(review, context);
  const again = eventRowToCanonical({ ...review }, { ...context, receivedAt: '2026-11-23T00:00:00.000Z' });
  const changed = eventRowToCanonical({ ...review, rating: 4 }, context);
  assert.ok(first.ok && again.ok && changed.ok);
  assert.equal(again.value.eventId, first.value.eventId);
  assert.notEqual(changed.value.eventId, first.value.eventId);
});

test('rows that cannot be an event are rejected with the reason', () => {
  const reject = (row: Record<string, unknown>) => eventRowToCanonical({ ...review, ...row }, context);
  assert.deepEqual(reject({ local_id: null }), { ok: false, error: 'missing local_id' });
  assert.deepEqual(reject({ customer_id: '' }), { ok: false, error: 'missing customer_id' });
  assert.deepEqual(reject({ event_type: null }), { ok: false, error: 'missing event_type' });
  assert.deepEqual(reject({ date: '2026-13-01' }), { ok: false, error: 'unparseable date "2026-13-01"' });
  assert.deepEqual(reject({ text: 'bad\u0000' }), { ok: false, error: 'text contains a NUL character' });
  assert.deepEqual(reject({ photo: Buffer.from([0, 1]) }), { ok: false, error: 'photo is binary; cast it to text in the query' });
});
