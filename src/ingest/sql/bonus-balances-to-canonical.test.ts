import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bonusBalanceRowToCanonical } from './bonus-balances-to-canonical.ts';

const context = { workspaceId: 'acme', sourceName: 'shop', receivedAt: '2026-11-22T00:00:00.000Z' };

test("a bonus_balances row is a balance change on the customer's profile sql:<source>:<customer_id>", () => {
  const mapped = bonusBalanceRowToCanonical({ customer_id: 1001, balance: '350.50', pending: 20, date: '2026-11-01 10:00:00' }, context);
  assert.ok(mapped.ok);
  assert.equal(mapped.value.customer.key, 'sql:shop:1001');
  assert.equal(mapped.value.occurredAt, '2026-11-01T10:00:00.000Z');
  assert.deepEqual(mapped.value.change, { kind: 'importedBonusBalance', sourceName: 'shop', balance: 350.5, pending: 20, asOf: '2026-11-01T10:00:00.000Z' });
  const undated = bonusBalanceRowToCanonical({ customer_id: 1001, balance: 0 }, context);
  assert.ok(undated.ok && undated.value.change.kind === 'importedBonusBalance');
  assert.deepEqual([undated.value.change.balance, undated.value.change.pending, undated.value.change.asOf], [0, null, null]);
});

test('the same balance read again is the same event; another date or amount is a new one', () => {
  const row = { customer_id: 1001, balance: 350, date: '2026-11-01' };
  const ids = [row, { ...row }, { ...row, date: '2026-11-02' }, { ...row, balance: 351 }].map((r) => {
    const mapped = bonusBalanceRowToCanonical(r, context);
    assert.ok(mapped.ok);
    return mapped.value.eventId;
  });
  assert.equal(ids[1], ids[0]);
  assert.equal(new Set(ids).size, 3);
});

test('rows without a customer or a balance, or with an unreadable number or date, are rejected with the reason', () => {
  assert.deepEqual(bonusBalanceRowToCanonical({ balance: 10 }, context), { ok: false, error: 'missing customer_id' });
  assert.deepEqual(bonusBalanceRowToCanonical({ customer_id: 1, balance: null }, context), { ok: false, error: 'missing balance' });
  assert.deepEqual(bonusBalanceRowToCanonical({ customer_id: 1, balance: 'ten' }, context), { ok: false, error: 'unparseable balance "ten"' });
  assert.deepEqual(bonusBalanceRowToCanonical({ customer_id: 1, balance: 1, pending: '1 000' }, context), { ok: false, error: 'unparseable pending "1 000"' });
  assert.deepEqual(bonusBalanceRowToCanonical({ customer_id: 1, balance: 1, date: '2026-02-30' }, context), { ok: false, error: 'unparseable date "2026-02-30"' });
  assert.deepEqual(bonusBalanceRowToCanonical({ customer_id: 'a\u0000', balance: 1 }, context), { ok: false, error: 'customer_id contains a NUL character' });
});
