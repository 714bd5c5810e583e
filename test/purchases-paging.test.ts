import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEvents } from '../src/apply/apply-batch.ts';
import { receiptRowToCanonical } from '../src/ingest/sql/receipts-to-canonical.ts';
import { readPurchases } from '../src/profiles/read-purchases.ts';
import { useTestStore } from './support/test-store.ts';

// Receipts imported with a date only all sit at midnight: paging by time
// alone would skip those sharing the boundary; with the last one's id too,
// every purchase is shown exactly once.
const testStore = useTestStore('paging');

test('paging purchases that share one time shows each exactly once', async () => {
  const context = { workspaceId: 'paging', sourceName: 'shop', receivedAt: '2026-11-22T00:00:00.000Z' };
  const receipts = ['r1', 'r2', 'r3', 'r4', 'r5'].map((id, i) => {
    const mapped = receiptRowToCanonical({ local_id: id, customer_id: '9', date: i === 0 ? '2026-11-19' : '2026-11-20', amount: 10 }, context);
    assert.ok(mapped.ok);
    return mapped.value;
  });
  await applyEvents(testStore(), 'paging', receipts);
  const seen: string[] = [];
  let page: { before?: string; beforePurchaseId?: string } = {};
  for (let guard = 0; guard < 10; guard++) {
    const purchases = await readPurchases(testStore(), 'paging', 'sql:shop:9', { limit: 2, ...page });
    seen.push(...purchases.map((p) => p.purchaseId));
    if (purchases.length < 2) break;
    const last = purchases[purchases.length - 1]!;
    page = { before: last.occurredAt!, beforePurchaseId: last.purchaseId };
  }
  assert.deepEqual(seen, ['shop:r5', 'shop:r4', 'shop:r3', 'shop:r2', 'shop:r1']);
});
