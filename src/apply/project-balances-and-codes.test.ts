import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bonusBalanceRowToCanonical } from '../ingest/sql/bonus-balances-to-canonical.ts';
import { promoCodeRowToCanonical } from '../ingest/sql/promo-codes-to-canonical.ts';
import { reduceBalancesAndCodes } from './project-balances-and-codes.ts';
import { reduceCatalogue, type CatalogueRecord } from './project-catalogue.ts';
import { productRowToCanonical } from '../ingest/sql/products-to-canonical.ts';
import type { AppliedEvent } from './reduce-segment.ts';

const context = { workspaceId: 'acme', sourceName: 'shop', receivedAt: '2026-11-22T00:00:00.000Z' };
const eventOf = <T>(mapped: { ok: true; value: T } | { ok: false; error: string }): T => {
  assert.ok(mapped.ok);
  return mapped.value;
};

test('in one batch the balance with the latest date wins, not the latest read; a merged customer\'s lands on its target', () => {
  const segment: AppliedEvent[] = [
    { seq: 1, row: { customer_id: 1, balance: 700, date: '2026-11-05' } },
    { seq: 2, row: { customer_id: 1, balance: 300, date: '2026-11-03' } },
    { seq: 3, row: { customer_id: 2, balance: 5, date: '2026-11-04' } },
  ].map(({ seq, row }) => {
    const event = eventOf(bonusBalanceRowToCanonical(row, context));
    // customer 2 was merged into customer 1
    return { event, seq, targetKey: 'sql:shop:1' };
  });
  const { balances } = reduceBalancesAndCodes(segment);
  assert.deepEqual(balances.map((b) => [b.customer_key, b.balance, b.as_of, b.event_seq]), [['sql:shop:1', 700, '2026-11-05T00:00:00.000Z', 1]]);
});

test('an undated balance counts as of when it was read: a balance dated later still wins', () => {
  const dated = eventOf(bonusBalanceRowToCanonical({ customer_id: 1, balance: 700, date: '2026-12-01' }, context));
  const undated = eventOf(bonusBalanceRowToCanonical({ customer_id: 1, balance: 5 }, context));
  const { balances } = reduceBalancesAndCodes([
    { event: dated, seq: 1, targetKey: 'sql:shop:1' },
    { event: undated, seq: 2, targetKey: 'sql:shop:1' },
  ]);
  assert.deepEqual(balances.map((b) => b.balance), [700]);
});

test('promo codes and products: the later event of one record wins within a batch', () => {
  const issued = eventOf(promoCodeRowToCanonical({ code: 'X', customer_id: 7, status: 'Issued' }, context));
  const used = eventOf(promoCodeRowToCanonical({ code: 'X', customer_id: 7, status: 'Used' }, context));
  const { promoCodes } = reduceBalancesAndCodes([
    { event: used, seq: 4, targetKey: 'sql:shop:7' },
    { event: issued, seq: 3, targetKey: 'sql:shop:7' },
  ]);
  assert.deepEqual(promoCodes.map((c) => [c.code, c.customer_key, c.status]), [['X', 'sql:shop:7', 'Used']]);

  const records = [
    { row: { local_id: 1, price: 10 }, seq: 1 },
    { row: { local_id: 1, price: 12 }, seq: 2 },
    { row: { local_id: 2, price: 5 }, seq: 3 },
  ].map(({ row, seq }) => {
    const event = eventOf(productRowToCanonical(row, context));
    return { change: event.change, seq, receivedAt: event.receivedAt } as CatalogueRecord;
  });
  assert.deepEqual(reduceCatalogue(records).products.map((p) => [p.local_id, p.price]), [['1', 12], ['2', 5]]);
});
