import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lookBackCursor } from './look-back.ts';

test('a look-back window moves a timestamp or a number back and drops the key', () => {
  assert.deepEqual(lookBackCursor({ value: '2026-03-01 00:30:00.123456', key: '7' }, 3600), { value: '2026-02-28 23:30:00.123456', key: null });
  assert.deepEqual(lookBackCursor({ value: '2026-03-01 10:00:00+03', key: '7' }, 60), { value: '2026-03-01 06:59:00.000000+00:00', key: null });
  assert.deepEqual(lookBackCursor({ value: '2026-03-01', key: null }, 86400), { value: '2026-02-28 00:00:00.000000', key: null });
  assert.deepEqual(lookBackCursor({ value: '1700000000', key: '1' }, 600), { value: '1699999400', key: null });
  assert.equal(lookBackCursor({ value: 'abc', key: null }, 10), null);
  assert.deepEqual(lookBackCursor({ value: 'abc', key: 'k' }, 0), { value: 'abc', key: 'k' });
});
