import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEvents } from '../src/apply/apply-batch.ts';
import type { ProfileField } from '../src/events/canonical.ts';
import { sqlCustomerRef, sqlRowEvent, type SqlRowContext } from '../src/ingest/sql/sql-event.ts';
import { useTestStore } from './support/test-store.ts';

// Profile fields are one document per profile and field type, merged field
// by field with what is stored (profile-fields-table.ts). A batch mixing new
// and known profiles, with a late older value, must give what applying the
// events one by one gives.
const testStore = useTestStore('fields');

const context = (receivedAt: string): SqlRowContext => ({ workspaceId: 'fields', sourceName: 'shop', receivedAt });
const details = (localId: string, receivedAt: string, fields: ProfileField[]) => {
  const customer = sqlCustomerRef(context(receivedAt), localId);
  return sqlRowEvent(context(receivedAt), 'customers', { customer, recordKey: customer.key, stream: 'profile', occurredAt: null }, { localId, receivedAt, fields }, {
    kind: 'profileDetailsChanged',
    fields,
    fieldChanges: [],
    identifiers: [],
  });
};
const standard = (name: string, value: string | null): ProfileField => ({ type: 'standard', name, value });

async function fieldsOf(localId: string): Promise<Record<string, string | null>> {
  const { rows } = await testStore().query<{ field_type: string; name: string; value: string | null }>(
    'SELECT field_type, name, value FROM profile_fields WHERE workspace_id = $1 AND customer_key = $2 ORDER BY field_type, name',
    ['fields', `sql:shop:${localId}`],
  );
  return Object.fromEntries(rows.map((r) => [`${r.field_type}.${r.name}`, r.value]));
}

test('new and known profiles in one batch: new fields inserted, newer values replace, a late older value does not', async () => {
  await applyEvents(testStore(), 'fields', [details('1', '2026-05-02T00:00:00.000Z', [standard('first_name', 'Ann'), standard('city', 'Kazan')])]);

  await applyEvents(testStore(), 'fields', [
    // known profile: an older value arriving late, a newer one, a field it did not have
    details('1', '2026-05-01T00:00:00.000Z', [standard('first_name', 'Old'), standard('zip', '420000')]),
    details('1', '2026-05-03T00:00:00.000Z', [standard('city', null), standard('email', 'ann@example.com')]),
    // new profile, two events in the batch: the later one wins per field
    details('2', '2026-05-01T00:00:00.000Z', [standard('first_name', 'Bob'), standard('last_name', 'Early')]),
    details('2', '2026-05-04T00:00:00.000Z', [standard('last_name', 'Late'), { type: 'custom', name: '__proto__', value: 'kept' }]),
  ]);

  assert.deepEqual(await fieldsOf('1'), {
    'standard.city': null,
    'standard.email': 'ann@example.com',
    'standard.first_name': 'Ann',
    'standard.zip': '420000',
  });
  assert.deepEqual(await fieldsOf('2'), {
    'custom.__proto__': 'kept',
    'standard.first_name': 'Bob',
    'standard.last_name': 'Late',
  });
});

test('a batch of only new profiles writes every field of every profile', async () => {
  const events = Array.from({ length: 500 }, (_, i) =>
    details(`n${i}`, '2026-06-01T00:00:00.000Z', [standard('first_name', `F${i}`), standard('last_name', `L${i}`), standard('middle_name', null)]),
  );
  await applyEvents(testStore(), 'fields', events);
  const { rows } = await testStore().query<{ n: number; values: number }>(
    "SELECT count(*) AS n, count(value) AS values FROM profile_fields WHERE workspace_id = 'fields' AND customer_key LIKE 'sql:shop:n%'",
  );
  assert.deepEqual(rows[0], { n: 1500, values: 1000 });
  assert.deepEqual(await fieldsOf('n499'), { 'standard.first_name': 'F499', 'standard.last_name': 'L499', 'standard.middle_name': null });
});

test('a late event whose every field is older leaves the stored document as it was', async () => {
  await applyEvents(testStore(), 'fields', [details('late', '2026-08-02T00:00:00.000Z', [standard('city', 'Perm'), standard('zip', '614000')])]);
  const version = async () =>
    (await testStore().query<{ xmin: string }>("SELECT xmin::text FROM profile_field_values WHERE workspace_id = 'fields' AND customer_key = 'sql:shop:late'")).rows[0]!.xmin;
  const before = await version();

  await applyEvents(testStore(), 'fields', [details('late', '2026-08-01T00:00:00.000Z', [standard('city', 'Old'), standard('zip', null)])]);
  assert.equal(await version(), before, 'the row was rewritten');
  assert.deepEqual(await fieldsOf('late'), { 'standard.city': 'Perm', 'standard.zip': '614000' });

  await applyEvents(testStore(), 'fields', [details('late', '2026-08-01T00:00:00.000Z', [standard('city', 'Old'), standard('street', 'Lenina')])]);
  assert.notEqual(await version(), before);
  assert.deepEqual(await fieldsOf('late'), { 'standard.city': 'Perm', 'standard.street': 'Lenina', 'standard.zip': '614000' });
});
