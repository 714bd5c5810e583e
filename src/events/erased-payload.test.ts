import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERASED_PAYLOAD_KEY, withoutErasureMarker } from './erased-payload.ts';

test('a sender cannot mark its own payload as erased (the erasure step skips marked payloads)', () => {
  const sent = { eventName: 'customerAdded', [ERASED_PAYLOAD_KEY]: false, data: { mobile: '79990000001' } };
  assert.deepEqual(withoutErasureMarker(sent), { eventName: 'customerAdded', data: { mobile: '79990000001' } });
  const plain = { eventName: 'customerAdded' };
  assert.equal(withoutErasureMarker(plain), plain);
  assert.deepEqual(withoutErasureMarker([1]), [1]);
});
