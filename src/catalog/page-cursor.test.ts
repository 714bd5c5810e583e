import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePageCursor, encodePageCursor, nextCursorOf } from './page-cursor.ts';

test('a cursor decodes back to the key it was made of, whatever characters the ids hold', () => {
  const key = { source: 'shop', id: 'A/1 +é"' };
  assert.deepEqual(decodePageCursor(encodePageCursor(key)), { ok: true, value: key });
});

test('a cursor the API did not give is refused with the reason', () => {
  for (const bad of ['', 'abc', Buffer.from('[1,2]').toString('base64url'), Buffer.from('{"source":"x"}').toString('base64url')]) {
    const decoded = decodePageCursor(bad);
    assert.equal(decoded.ok, false, bad);
  }
});

test('only a full page has a next cursor', () => {
  const rows = [{ source: 's', id: '1' }, { source: 's', id: '2' }];
  assert.equal(nextCursorOf(rows, 3, (r) => r), null);
  assert.deepEqual(decodePageCursor(nextCursorOf(rows, 2, (r) => r)!), { ok: true, value: { source: 's', id: '2' } });
});
