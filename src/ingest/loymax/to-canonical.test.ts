import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loymaxSeedExamples } from '../../../test/fixtures/loymax/index.ts';
import { parseLoymaxMessage } from './parse.ts';
import { loymaxToCanonical } from './to-canonical.ts';

const delivery = { workspaceId: 'w', messageId: null, redelivered: false, receivedAt: '2026-11-22T00:00:00.000Z' };

function purchaseDatedAt(dateTime: string) {
  const body = JSON.parse(loymaxSeedExamples.find((e) => e.routingKey === 'purchases.confirm.modelUpdate')!.body);
  body.purchaseOperationInfo.dateTime = dateTime;
  const parsed = parseLoymaxMessage('purchases.confirm.modelUpdate', JSON.stringify(body));
  assert.ok(parsed.ok);
  return loymaxToCanonical(parsed.value, delivery);
}

test('a purchase time is kept as ISO UTC', () => {
  assert.equal(purchaseDatedAt('2026-03-04T05:06:07+03:00').occurredAt, '2026-03-04T02:06:07.000Z');
});

test('a year PostgreSQL cannot store is no time (kept in the payload), not a store failure', () => {
  for (const year of ['0000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z']) {
    const event = purchaseDatedAt(year);
    assert.equal(event.occurredAt, null, year);
    assert.ok(event.change.kind === 'purchaseConfirmed');
    assert.equal(event.change.receipt.occurredAt, null, year);
  }
});
