import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import pino from 'pino';
import { acceptEvents } from '../src/apply/accept-events.ts';
import { startBackgroundProjection } from '../src/apply/background-projection.ts';
import { projectAppended } from '../src/apply/apply-batch.ts';
import { countQueued, listProjectionFailures, readQueued, recordProjectionFailure, removeQueued, requeueProjectionFailures } from '../src/apply/projection-queue-table.ts';
import type { CanonicalEvent } from '../src/events/canonical.ts';
import { parseCapillaryBody } from '../src/ingest/capillary/parse.ts';
import { capillaryToCanonical } from '../src/ingest/capillary/to-canonical.ts';
import { createMetrics } from '../src/metrics/metrics.ts';
import type { Store } from '../src/store/db.ts';
import { openStore } from '../src/store/open-store.ts';
import { createWorkspace } from '../src/workspaces/workspaces.ts';
import { capillarySeedExamples, toFlat } from './fixtures/capillary/index.ts';
import { dumpAllTables } from './support/capillary-webhook.ts';
import { createTestDatabase, type TestDatabase } from './support/test-database.ts';
import { waitFor } from './support/wait-for.ts';

// Webhook events are accepted into the log and a queue, then projected in
// the background (accept-events.ts, background-projection.ts).
let database: TestDatabase;
let store: Store;
before(async () => {
  database = await createTestDatabase();
  store = await openStore({ databaseUrl: database.url, dataDir: '' });
  await createWorkspace(store, 'default');
});
after(async () => {
  await store.close();
  await database.drop();
});

const flatAdded = toFlat(capillarySeedExamples.find((e) => e.name === 'customerAdded.attributes')!);
function customerAdded(eventId: string, customerId: number): CanonicalEvent {
  const body = { ...flatAdded, eventId, data: { ...flatAdded.data, customerIdentifiers: { customerId, instore: { mobile: `7911${customerId}` } } } };
  const parsed = parseCapillaryBody(JSON.stringify(body));
  assert.ok(parsed.ok && parsed.value[0]!.ok, 'a valid example');
  return capillaryToCanonical(parsed.value[0]!.value, { workspaceId: 'default', receivedAt: new Date().toISOString() });
}
const profileExists = async (customerId: number) =>
  (await store.query('SELECT 1 FROM customers WHERE workspace_id = $1 AND customer_key = $2', ['default', `capillary:${customerId}`])).rows.length === 1;
const queueEmpty = async () => (await countQueued(store, 'default')) === 0;

test('events accepted but not projected (the process stopped) are projected when the projection starts again; a repeated event id is a duplicate', async () => {
  const events = [customerAdded('bp-1', 501), customerAdded('bp-2', 502)];
  assert.deepEqual(await acceptEvents(store, 'default', events), { applied: 2, duplicates: 0 });
  assert.deepEqual(await acceptEvents(store, 'default', [events[0]!, events[0]!]), { applied: 0, duplicates: 2 });
  assert.equal(await countQueued(store, 'default'), 2);
  assert.equal(await profileExists(501), false, 'accepted, not yet projected');

  const projection = startBackgroundProjection(store, { log: null, metrics: createMetrics() }, { pollMs: 60_000 });
  try {
    await waitFor('the queue projected', queueEmpty, 10_000, 20);
    assert.ok(await profileExists(501));
    assert.ok(await profileExists(502));
  } finally {
    await projection.stop();
  }
});

// What an adapter bug would leave in a queued event: a time PostgreSQL cannot read, so its projection fails.
const breakQueuedEvent = (eventId: string) =>
  store.query(
    `UPDATE projection_queue SET event = jsonb_set(jsonb_set(event::jsonb, '{occurredAt}', '"the day after"'), '{receivedAt}', '"the day after"')::json
      WHERE workspace_id = 'default' AND event ->> 'eventId' = $1`,
    [eventId],
  );

test('an event that cannot be projected is kept with its reason and holds back nothing; once fixed, a retry projects it', async () => {
  const bad = customerAdded('bp-3', 503);
  const good = customerAdded('bp-4', 504);
  await acceptEvents(store, 'default', [bad, good]);
  await breakQueuedEvent(bad.eventId);
  const metrics = createMetrics();
  const projection = startBackgroundProjection(store, { log: null, metrics }, { pollMs: 60_000 });
  try {
    await waitFor('the queue projected', queueEmpty, 10_000, 20);
    assert.ok(await profileExists(504), 'the good event is projected');
    assert.equal(await profileExists(503), false);
    const failures = await listProjectionFailures(store, 'default', 10);
    assert.equal(failures.length, 1);
    assert.equal(failures[0]!.customerKey, 'capillary:503');
    assert.equal(failures[0]!.eventCode, bad.eventCode);
    assert.match(failures[0]!.error, /the day after/);
    assert.equal((await metrics.projectionFailures.get()).values[0]?.value, 1);

    await store.query('UPDATE projection_failures SET event = $1::json', [JSON.stringify({ ...bad, payload: null })]);
    assert.deepEqual(await requeueProjectionFailures(store, 'default'), [{ workspaceId: 'default', events: 1 }]);
    projection.wake('default');
    await waitFor('the retried event projected', () => profileExists(503), 10_000, 20);
    assert.deepEqual(await listProjectionFailures(store, 'default', 10), []);
  } finally {
    await projection.stop();
  }
});

test("an event naming a customer erased before it failed is kept without their personal data, in the failures and in the log", async () => {
  const notice = toFlat(capillarySeedExamples.find((e) => e.name === 'customerUpdated.pii-deletion.attributes')!);
  const deletion = { ...notice, eventId: 'bp-5', data: { ...notice.data, customerIdentifiers: { customerId: 505 } } };
  const parsed = parseCapillaryBody(JSON.stringify(deletion));
  assert.ok(parsed.ok && parsed.value[0]!.ok);
  const erasure = capillaryToCanonical(parsed.value[0]!.value, { workspaceId: 'default', receivedAt: new Date().toISOString() });
  assert.equal(erasure.change.kind, 'personalDataErased');
  // a late delivery of an old update, which fails to project
  const late = customerAdded('bp-6', 505);
  await acceptEvents(store, 'default', [erasure, late]);
  await breakQueuedEvent(late.eventId);
  assert.match(await dumpAllTables(store), /7911505/, 'the phone is in the log and the queue');
  const projection = startBackgroundProjection(store, { log: null, metrics: createMetrics() }, { pollMs: 60_000 });
  try {
    await waitFor('the queue projected', queueEmpty, 10_000, 20);
  } finally {
    await projection.stop();
  }
  const failures = await listProjectionFailures(store, 'default', 10);
  assert.deepEqual(failures.map((f) => f.customerKey), ['capillary:505'], 'kept for a retry');
  assert.match(failures[0]!.error, /^invalid input syntax for type timestamp with time zone: "…"$/, 'the reason without the value it quoted');
  assert.doesNotMatch(await dumpAllTables(store), /7911505/, 'the phone is in neither the failures nor the log');
  const kept = await store.query<{ event: any }>("SELECT event FROM projection_failures WHERE customer_key = 'capillary:505'");
  assert.deepEqual(kept.rows[0]!.event.change.fields, [], 'nor the name');
});

test('malformed events that fail are recorded all the same; one whose redaction fails is kept as a stub of its seq, key and code', async () => {
  // group events whose members an adapter bug left as no list, or as a list with a hole; neither can be projected
  const noList = customerAdded('bp-7', 507);
  const withHole = customerAdded('bp-8', 508);
  await acceptEvents(store, 'default', [noList, withHole]);
  const makeGroupEvent = (eventId: string, members: unknown) =>
    store.query(
      `UPDATE projection_queue SET event = jsonb_set(event::jsonb, '{change}', $2::jsonb)::json WHERE workspace_id = 'default' AND event ->> 'eventId' = $1`,
      [eventId, JSON.stringify({ kind: 'groupChanged', action: 'memberAdded', group: { groupId: '9', name: null }, members })],
    );
  await makeGroupEvent(noList.eventId, { phone: '7911507' });
  await makeGroupEvent(withHole.eventId, [null]);
  const projection = startBackgroundProjection(store, { log: null, metrics: createMetrics() }, { pollMs: 60_000 });
  try {
    await waitFor('the queue projected', queueEmpty, 10_000, 20);
  } finally {
    await projection.stop();
  }
  const kept = await store.query<{ customer_key: string; event: any }>(
    "SELECT customer_key, event FROM projection_failures WHERE customer_key IN ('capillary:507', 'capillary:508') ORDER BY event_seq",
  );
  assert.deepEqual(kept.rows.map((r) => [r.customer_key, r.event.change?.members]), [['capillary:507', { phone: '7911507' }], ['capillary:508', undefined]], 'no customer of the first is erased: kept whole');
  assert.deepEqual(kept.rows[1]!.event, { eventCode: withHole.eventCode, customer: { key: 'capillary:508' }, notRedactable: true });
});

test('while the store is away the projection retries with backoff, and a stop does not wait for the backoff to end', async () => {
  const away = await createTestDatabase();
  const awayStore = await openStore({ databaseUrl: away.url, dataDir: '' });
  const name = new URL(away.url).pathname.slice(1);
  const admin = new pg.Client(away.url.replace(`/${name}`, '/postgres'));
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    // The service's log is where an operator sees the retries: count them there.
    let retries = 0;
    const log = pino({ level: 'warn' }, { write: (line: string) => void (line.includes('retrying') && retries++) });
    const projection = startBackgroundProjection(awayStore, { log, metrics: createMetrics() }, { pollMs: 60_000, retryMaxDelayMs: 60_000 });
    projection.wake('default');
    // Five failed attempts, each waited out longer: the wait in progress now is at least 2 s (backoff from 250 ms, half jitter).
    await waitFor('five failed attempts', async () => retries >= 5, 30_000, 20);
    const started = Date.now();
    await projection.stop();
    assert.ok(Date.now() - started < 1000, `stopped after ${Date.now() - started} ms`);
  } finally {
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    await admin.end();
    await awayStore.close();
    await away.drop();
  }
});

test('an event projected by another process before this one records its failure is not recorded as failed (a retry would apply it twice)', async () => {
  const event = customerAdded('bp-20', 520);
  await acceptEvents(store, 'default', [event]);
  const queued = await store.transaction((tx) => readQueued(tx, 'default', 1));
  // the other process: projects it and takes it from the queue
  await store.transaction(async (tx) => {
    await projectAppended(tx, 'default', queued);
    await removeQueued(tx, 'default', queued.map((q) => q.seq));
  });
  await store.transaction((tx) => recordProjectionFailure(tx, 'default', queued[0]!, 'a failure that was not one'));
  assert.deepEqual((await listProjectionFailures(store, 'default', 100)).filter((f) => f.seq === queued[0]!.seq), []);
  assert.ok(await profileExists(520));
});
