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

test('a purchase time is kept as ISO UTC; one without a zone is UTC, whatever the process zone', () => {
  assert.equal(purchaseDatedAt('2026-03-04T05:06:07+03:00').occurredAt, '2026-03-04T02:06:07.000Z');
  assert.equal(purchaseDatedAt('2026-03-04T05:06:07').occurredAt, '2026-03-04T05:06:07.000Z');
});

test('a purchase time that is not one, or has a year PostgreSQL cannot store, is refused with its path (not stored without a time)', () => {
  for (const dateTime of ['0000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', 'bad', '12', 'June 15, 2021']) {
    const body = JSON.parse(loymaxSeedExamples.find((e) => e.routingKey === 'purchases.confirm.modelUpdate')!.body);
    body.purchaseOperationInfo.dateTime = dateTime;
    const parsed = parseLoymaxMessage('purchases.confirm.modelUpdate', JSON.stringify(body));
    assert.ok(!parsed.ok, dateTime);
    assert.equal(parsed.error.code, 'invalid_model');
    assert.match(parsed.error.reason, /\/purchaseOperationInfo\/dateTime: .*date-time/, dateTime);
  }
  const undated = JSON.parse(loymaxSeedExamples.find((e) => e.routingKey === 'purchases.confirm.modelUpdate')!.body);
  undated.purchaseOperationInfo.dateTime = null;
  assert.ok(parseLoymaxMessage('purchases.confirm.modelUpdate', JSON.stringify(undated)).ok, 'no time at all is allowed');
});
