import assert from 'node:assert/strict';
import { test } from 'node:test';
import { promoCodeRowToCanonical } from './promo-codes-to-canonical.ts';

const context = { workspaceId: 'acme', sourceName: 'shop', receivedAt: '2026-11-22T00:00:00.000Z' };
const row = {
  code: 'SPRING-7F3K',
  customer_id: 1001,
  promo_id: 'spring26',
  status: 'Issued',
  discount: '15',
  issued_at: '2026-03-01 09:00:00',
  used_at: null,
  expires_at: '2026-05-31',
};
const promoCode = {
  sourceName: 'shop',
  code: 'SPRING-7F3K',
  promoId: 'spring26',
  status: 'Issued',
  discount: 15,
  issuedAt: '2026-03-01T09:00:00.000Z',
  usedAt: null,
  expiresAt: '2026-05-31T00:00:00.000Z',
};

test('a code issued to a customer is a change on that profile', () => {
  const mapped = promoCodeRowToCanonical(row, context);
  assert.ok(mapped.ok);
  assert.equal(mapped.value.customer.key, 'sql:shop:1001');
  assert.deepEqual(mapped.value.change, { kind: 'customerPromoCodeChanged', promoCode });
});

test('a code issued to no one is a record of the source', () => {
  const mapped = promoCodeRowToCanonical({ ...row, customer_id: null }, context);
  assert.ok(mapped.ok);
  assert.equal(mapped.value.customer.key, 'sql-source:shop');
  assert.deepEqual(mapped.value.change, { kind: 'promoCodeChanged', promoCode });
});

test('the same row read again is a no-op; issuing the code to someone is a new event', () => {
  const unissued = promoCodeRowToCanonical({ ...row, customer_id: null }, context);
  const issued = promoCodeRowToCanonical(row, context);
  const again = promoCodeRowToCanonical({ ...row }, { ...context, receivedAt: '2026-11-23T00:00:00.000Z' });
  assert.ok(unissued.ok && issued.ok && again.ok);
  assert.equal(again.value.eventId, issued.value.eventId);
  assert.notEqual(unissued.value.eventId, issued.value.eventId);
});

test('rows without a code, with an unreadable discount or date, or NUL text are rejected with the reason', () => {
  assert.deepEqual(promoCodeRowToCanonical({ ...row, code: ' ' }, context), { ok: false, error: 'missing code' });
  assert.deepEqual(promoCodeRowToCanonical({ ...row, discount: '15%' }, context), { ok: false, error: 'unparseable discount "15%"' });
  assert.deepEqual(promoCodeRowToCanonical({ ...row, used_at: 'yesterday' }, context), { ok: false, error: 'unparseable used_at "yesterday"' });
  assert.deepEqual(promoCodeRowToCanonical({ ...row, status: 'Iss\u0000ued' }, context), { ok: false, error: 'status contains a NUL character' });
});
