import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { applyEvents } from '../src/apply/apply-batch.ts';
import type { ProfileField } from '../src/events/canonical.ts';
import { sqlCustomerRef, sqlRowEvent, type SqlRowContext } from '../src/ingest/sql/sql-event.ts';
import { migrate, MIGRATIONS_DIR } from '../src/store/migrate.ts';
import { createWorkspace } from '../src/workspaces/workspaces.ts';
import { storeBeforeMigration } from './support/store-before-migration.ts';

// A store written before profile fields became one document per profile
// and type (migration 20261122020000) keeps every field, its value, change
// time and event, and later changes still win per field.
const DOCUMENTS_MIGRATION = '20261122020000_profile_field_documents.sql';

const context: SqlRowContext = { workspaceId: 'upgrade', sourceName: 'shop', receivedAt: '2026-07-01T00:00:00.000Z' };
const details = (localId: string, fields: ProfileField[]) => {
  const customer = sqlCustomerRef(context, localId);
  return sqlRowEvent(context, 'customers', { customer, recordKey: customer.key, stream: 'profile', occurredAt: null }, { localId, fields }, {
    kind: 'profileDetailsChanged',
    fields,
    fieldChanges: [],
    identifiers: [],
  });
};


test('fields stored one per row are kept as documents, and later changes still win per field', async (t) => {
  const store = await storeBeforeMigration(t, DOCUMENTS_MIGRATION);
  await createWorkspace(store, 'upgrade');
  await store.query(
    `INSERT INTO profile_fields (workspace_id, customer_key, field_type, name, value, changed_at, event_seq) VALUES
       ('upgrade', 'sql:shop:1', 'standard', 'city', 'Kazan', '2026-06-01T00:00:00Z', 10),
       ('upgrade', 'sql:shop:1', 'standard', 'email', NULL, '2026-06-01T00:00:00Z', 10),
       ('upgrade', 'sql:shop:1', 'custom', 'tier', 'gold', '2026-08-01T00:00:00Z', 11),
       ('upgrade', 'sql:shop:2', 'standard', 'city', 'Omsk', '2026-06-02T00:00:00Z', 12)`,
  );

  assert.deepEqual(await migrate(store), [...readdirSync(MIGRATIONS_DIR)].filter((f) => f >= DOCUMENTS_MIGRATION).sort());
  const read = async () =>
    (
      await store.query<{ customer_key: string; field_type: string; name: string; value: string | null; changed_at: Date; event_seq: number }>(
        "SELECT customer_key, field_type, name, value, changed_at, event_seq FROM profile_fields WHERE workspace_id = 'upgrade' ORDER BY 1, 2, 3",
      )
    ).rows.map((r) => `${r.customer_key} ${r.field_type}.${r.name}=${r.value} @${r.changed_at.toISOString()} #${r.event_seq}`);
  assert.deepEqual(await read(), [
    'sql:shop:1 custom.tier=gold @2026-08-01T00:00:00.000Z #11',
    'sql:shop:1 standard.city=Kazan @2026-06-01T00:00:00.000Z #10',
    'sql:shop:1 standard.email=null @2026-06-01T00:00:00.000Z #10',
    'sql:shop:2 standard.city=Omsk @2026-06-02T00:00:00.000Z #12',
  ]);

  // received 2026-07-01: newer than the standard fields, older than the custom one
  await applyEvents(store, 'upgrade', [details('1', [{ type: 'standard', name: 'email', value: 'ann@example.com' }, { type: 'custom', name: 'tier', value: 'silver' }])]);
  const after = await read();
  assert.equal(after.length, 4);
  assert.match(after[0]!, /^sql:shop:1 custom\.tier=gold /);
  assert.equal(after[1], 'sql:shop:1 standard.city=Kazan @2026-06-01T00:00:00.000Z #10');
  assert.match(after[2]!, /^sql:shop:1 standard\.email=ann@example\.com @2026-07-01T00:00:00\.000Z #\d+$/);
});
