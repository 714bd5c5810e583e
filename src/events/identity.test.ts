import assert from 'node:assert/strict';
import { test } from 'node:test';
import { v5 as packageV5 } from 'uuid';
import { uuidV5 } from './identity.ts';

// Event ids already in logs were made by the uuid package's v5: this one must give the very same ids.
test('uuidV5 gives the uuid package v5 ids, for ASCII, non-ASCII and astral names', () => {
  const namespace = '0b6f4a52-3c1e-5d2a-9f0e-6a8d2c7e4b10';
  const bytes = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  for (const name of ['', 'loymax:natural:purchase:42', 'capillary:message:é — ключ', 'sql:natural:😀 card 0042', 'x'.repeat(5000)]) {
    assert.equal(uuidV5(name, bytes), packageV5(name, namespace), name.slice(0, 40));
  }
});

test('uuidV5 refuses a name with a lone surrogate, as the package does', () => {
  const bytes = Buffer.alloc(16);
  assert.throws(() => packageV5('a\ud800b', '00000000-0000-0000-0000-000000000000'), URIError);
  assert.throws(() => uuidV5('a\ud800b', bytes), URIError);
  assert.throws(() => uuidV5('\udc00', bytes), URIError);
});
