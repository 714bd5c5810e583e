import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { applyEvents } from '../src/apply/apply-batch.ts';
import { receiptRowToCanonical } from '../src/ingest/sql/receipts-to-canonical.ts';
import { startTestService, type TestService } from './support/test-service.ts';

// Receipts imported with a date only all sit at midnight: paging by time
// alone would skip those sharing the boundary; following nextPage (the last
// one's time and id) shows every purchase exactly once.
let t: TestService;
before(async () => {
  t = await startTestService();
});
after(() => t.close());

test('following nextPage over purchases that share one time shows each exactly once', async () => {
  const context = { workspaceId: 'default', sourceName: 'shop', receivedAt: '2026-11-22T00:00:00.000Z' };
  const receipts = ['r1', 'r2', 'r3', 'r4', 'r5'].map((id, i) => {
    const mapped = receiptRowToCanonical({ local_id: id, customer_id: '9', date: i === 0 ? '2026-11-19' : '2026-11-20', amount: 10 }, context);
    assert.ok(mapped.ok);
    return mapped.value;
  });
  await applyEvents(t.service.store, 'default', receipts);
  const seen: string[] = [];
  let query = '';
  for (let pages = 0; pages < 10; pages++) {
    const page = await t.get(`/v1/customers/sql:shop:9/purchases?limit=2${query}`);
    assert.equal(page.status, 200);
    seen.push(...page.body.purchases.map((p: { purchaseId: string }) => p.purchaseId));
    if (!page.body.nextPage) break;
    query = `&before=${encodeURIComponent(page.body.nextPage.before)}&beforePurchaseId=${encodeURIComponent(page.body.nextPage.beforePurchaseId)}`;
  }
  assert.deepEqual(seen, ['shop:r5', 'shop:r4', 'shop:r3', 'shop:r2', 'shop:r1']);
});
