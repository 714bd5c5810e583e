import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lookBackCursor } from './look-back.ts';

test('a look-back window moves a timestamp or a number back and drops the key', () => {
  assert.deepEqual(lookBackCursor({ value: '2026-03-01 00:30:00.123456', key: '7' }, 3600), { value: '2026-02-28 23:30:00.123456', key: null });
  assert.deepEqual(lookBackCursor({ value: '2026-03-01 10:00:00+03', key: '7' }, 60), { value: '2026-03-01 06:59:00+00:00', key: null });
  assert.deepEqual(lookBackCursor({ value: '2026-03-01', key: null }, 86400), { value: '2026-02-28', key: null });
  assert.deepEqual(lookBackCursor({ value: '2026-03-01', key: null }, 60), { value: '2026-02-28', key: null });
  // Each server's own precision and spelling is kept: MSSQL datetime (3 digits), datetime2 (7), datetimeoffset, Oracle DATE (none), TIMESTAMP(9).
  assert.deepEqual(lookBackCursor({ value: '2026-03-01T00:00:10.123', key: null }, 20), { value: '2026-02-28T23:59:50.123', key: null });
  assert.deepEqual(lookBackCursor({ value: '2026-03-01T00:00:10.1234567', key: null }, 10), { value: '2026-03-01T00:00:00.1234567', key: null });
  assert.deepEqual(lookBackCursor({ value: '2026-03-01T00:00:10.1234567Z', key: null }, 10), { value: '2026-03-01T00:00:00.1234567Z', key: null });
  assert.deepEqual(lookBackCursor({ value: '2026-03-01 00:00:10', key: null }, 10), { value: '2026-03-01 00:00:00', key: null });
  assert.deepEqual(lookBackCursor({ value: '2026-03-01 00:00:10.123456789', key: null }, 10), { value: '2026-03-01 00:00:00.123456789', key: null });
  assert.deepEqual(lookBackCursor({ value: '1152921504606846977', key: null }, 1), { value: '1152921504606846976', key: null });
  assert.deepEqual(lookBackCursor({ value: '1700000000', key: '1' }, 600), { value: '1699999400', key: null });
  assert.equal(lookBackCursor({ value: 'abc', key: null }, 10), null);
  assert.deepEqual(lookBackCursor({ value: 'abc', key: 'k' }, 0), { value: 'abc', key: 'k' });
});
