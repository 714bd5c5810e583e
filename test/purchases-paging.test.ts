import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { applyEvents } from '../src/apply/apply-batch.ts';
import { parseLoymaxMessage } from '../src/ingest/loymax/parse.ts';
import { loymaxToCanonical } from '../src/ingest/loymax/to-canonical.ts';
import { receiptRowToCanonical } from '../src/ingest/sql/receipts-to-canonical.ts';
import { loymaxSeedExamples } from './fixtures/loymax/index.ts';
import { startTestService, type TestService } from './support/test-service.ts';

// Receipts imported with a date only all sit at midnight: paging by time
// alone would skip those sharing the boundary; following nextPage (the last
// one's time and id, or its id alone when it has no time) shows every
// purchase exactly once.
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

test('purchases without a time come after the dated ones, and paging reaches each of them', async () => {
  const purchase = (purchaseId: number, dateTime: string | null) => {
    const body = JSON.parse(loymaxSeedExamples.find((e) => e.routingKey === 'purchases.confirm.modelUpdate')!.body);
    body.customerInfo = { customerId: 77 };
    body.purchaseOperationInfo.dateTime = dateTime;
    body.purchaseOperationInfo.purchaseData.purchaseId = purchaseId;
    body.purchaseOperationInfo.purchaseData.externalPurchaseId = `ext-${purchaseId}`;
    const parsed = parseLoymaxMessage('purchases.confirm.modelUpdate', JSON.stringify(body));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.reason);
    return loymaxToCanonical(parsed.value, { workspaceId: 'default', messageId: `m-${purchaseId}`, redelivered: false, receivedAt: '2026-11-22T00:00:00.000Z' });
  };
  await applyEvents(t.service.store, 'default', [
    purchase(1, '2024-01-01T00:00:00Z'),
    purchase(2, '2024-02-01T00:00:00Z'),
    purchase(3, '2024-03-01T00:00:00Z'),
    purchase(4, null),
    purchase(5, null),
    purchase(6, null),
  ]);
  for (const limit of [1, 2, 3, 4]) {
    const seen: string[] = [];
    let query = '';
    for (let pages = 0; pages < 10; pages++) {
      const page = await t.get(`/v1/customers/77/purchases?limit=${limit}${query}`);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      seen.push(...page.body.purchases.map((p: { purchaseId: string }) => p.purchaseId));
      if (!page.body.nextPage) break;
      const { before, beforePurchaseId } = page.body.nextPage as { before?: string; beforePurchaseId: string };
      query = `${before ? `&before=${encodeURIComponent(before)}` : ''}&beforePurchaseId=${encodeURIComponent(beforePurchaseId)}`;
    }
    assert.deepEqual(seen, ['3', '2', '1', '6', '5', '4'], `pages of ${limit}`);
  }
});
