import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lastEventAtOf } from '../src/events/event-log.ts';
import { useTestStore } from './support/test-store.ts';

// A profile's lastEventAt is read from the log: its newest event, addressed
// to it or to a key merged into it, or naming it (a group event's member).
const testStore = useTestStore('last');

test("a profile's last event is its newest in the log, addressed to one of its keys or naming it", async () => {
  const store = testStore();
  await store.query(
    `INSERT INTO events (seq, workspace_id, event_id, source, event_code, customer_key, received_at, payload) OVERRIDING SYSTEM VALUE
     VALUES (901, 'last', gen_random_uuid(), 'loymax', 'c', 'loymax:1', '2026-01-01Z', '{}'),
            (902, 'last', gen_random_uuid(), 'loymax', 'c', 'loymax:1', '2026-01-02Z', '{}'),
            (903, 'last', gen_random_uuid(), 'loymax', 'c', 'loymax:2', '2026-01-03Z', '{}'),
            (904, 'last', gen_random_uuid(), 'capillary', 'c', 'capillary:g', '2026-01-05Z', '{}')`,
  );
  assert.equal(await lastEventAtOf(store, 'last', ['loymax:1']), '2026-01-02T00:00:00.000Z');
  assert.equal(await lastEventAtOf(store, 'last', ['loymax:1', 'loymax:2']), '2026-01-03T00:00:00.000Z', 'a key merged into the profile counts');
  assert.equal(await lastEventAtOf(store, 'last', ['loymax:9']), null);
  await store.query("INSERT INTO event_subjects (workspace_id, customer_key, event_seq) VALUES ('last', 'loymax:1', 904)");
  assert.equal(await lastEventAtOf(store, 'last', ['loymax:1']), '2026-01-05T00:00:00.000Z', 'an event naming it counts');
});
