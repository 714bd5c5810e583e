import assert from 'node:assert/strict';
import { test } from 'node:test';
import { customerRowToCanonical } from './customers-to-canonical.ts';
import { normaliseDate } from './row-values.ts';

const context = { workspaceId: 'acme', sourceName: 'shop', receivedAt: '2026-11-22T00:00:00.000Z' };
const seedRow = {
  local_id: 1001,
  full_name: 'Ann B. Smith',
  first_name: 'Ann',
  middle_name: 'B.',
  last_name: 'Smith',
  email: ' ann@example.com ',
  phone: '+7 900 000-00-01',
  sex: 'F',
  birth_date: '1990-02-03',
  country: 'RU',
  area: null,
  city: 'Moscow',
  zip: '101000',
  register_date: '2020-05-06 07:08:09',
  user_id: 'acme-corp',
};

test("a row with the seed's columns becomes one profile-details event on sql:<source>:<local_id>", () => {
  const mapped = customerRowToCanonical(seedRow, context);
  assert.ok(mapped.ok);
  const event = mapped.value;
  assert.equal(event.customer.key, 'sql:shop:1001');
  assert.equal(event.identityBasis, 'natural');
  assert.ok(event.change.kind === 'profileDetailsChanged');
  const fields = Object.fromEntries(event.change.fields.map((f) => [f.name, f.value]));
  // Every standard column as the query gave it, but for the normalised e-mail and registration time.
  const { local_id: _id, user_id: _tenant, ...columns } = seedRow;
  assert.deepEqual(fields, { ...columns, email: 'ann@example.com', register_date: '2020-05-06T07:08:09.000Z' });
  assert.deepEqual(event.change.identifiers.map((i) => `${i.kind}=${i.value}`), ['email=ann@example.com', 'phone=+7 900 000-00-01']);
});

test('the same row read again has the same event id; a changed row a new one', () => {
  const first = customerRowToCanonical(seedRow, context);
  const again = customerRowToCanonical({ ...seedRow }, { ...context, receivedAt: '2026-11-23T00:00:00.000Z' });
  const changed = customerRowToCanonical({ ...seedRow, city: 'Kazan' }, context);
  assert.ok(first.ok && again.ok && changed.ok);
  assert.equal(again.value.eventId, first.value.eventId);
  assert.notEqual(changed.value.eventId, first.value.eventId);
});

test('rows without local_id or with an impossible date are rejected with the reason', () => {
  assert.deepEqual(customerRowToCanonical({ ...seedRow, local_id: '  ' }, context), { ok: false, error: 'missing local_id' });
  assert.deepEqual(customerRowToCanonical({ ...seedRow, birth_date: '1990-02-30' }, context), { ok: false, error: 'unparseable birth_date "1990-02-30"' });
  assert.equal(normaliseDate('1990-02-03 00:00:00', true), '1990-02-03');
  assert.equal(normaliseDate('2020-05-06T07:08:09+03:00', false), '2020-05-06T04:08:09.000Z');
  assert.equal(normaliseDate('06.05.2020', false), null);
});

test("MySQL's zero dates are no date: the row is kept, the field empty", () => {
  for (const zero of ['0000-00-00', '0000-00-00 00:00:00', '1980-02-00']) {
    const mapped = customerRowToCanonical({ ...seedRow, birth_date: zero, register_date: zero }, context);
    assert.ok(mapped.ok, zero);
    assert.ok(mapped.value.change.kind === 'profileDetailsChanged');
    const fields = Object.fromEntries(mapped.value.change.fields.map((f) => [f.name, f.value]));
    assert.deepEqual([fields.birth_date, fields.register_date, fields.email], [null, null, 'ann@example.com'], zero);
  }
});

test('a row with a NUL character (MySQL text may hold one; the store cannot) is a rejected row, not a failed pack', () => {
  assert.deepEqual(customerRowToCanonical({ ...seedRow, city: 'Mos\u0000cow' }, context), { ok: false, error: 'city contains a NUL character' });
});
