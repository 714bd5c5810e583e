import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findCustomerKeys } from '../src/profiles/find-customers.ts';
import { migrate } from '../src/store/migrate.ts';
import { createWorkspace } from '../src/workspaces/workspaces.ts';
import { storeBeforeMigration } from './support/store-before-migration.ts';

// A store written when an e-mail attribute of blanks became the lookup value
// '' (before migration 20261122080000): such values stop matching, and the
// identity links they made go; a real address, and an operator's undone
// link, stay.
const MIGRATION = '20261122080000_blank_email_lookups.sql';

test('blank e-mail lookup values and the links they made are cleared on upgrade', async (t) => {
  const store = await storeBeforeMigration(t, MIGRATION);
  await createWorkspace(store, 'upgrade');
  await store.query(
    `INSERT INTO attributes (workspace_id, customer_key, code, value, changed_at, event_seq, lookup_kind, lookup_value) VALUES
       ('upgrade', 'loymax:1', 'Email', ' ', now(), 1, 'email', ''),
       ('upgrade', 'capillary:2', 'Email', '  ', now(), 2, 'email', ''),
       ('upgrade', 'loymax:3', 'Email', 'A@b.example', now(), 3, 'email', 'a@b.example')`,
  );
  await store.query(
    `INSERT INTO identity_links (workspace_id, key_a, key_b, kind, value, linked_at, undone_at) VALUES
       ('upgrade', 'capillary:2', 'loymax:1', 'email', '', now(), NULL),
       ('upgrade', 'capillary:9', 'loymax:1', 'email', '', now(), now())`,
  );
  assert.deepEqual(await findCustomerKeys(store, 'upgrade', 'email', 'a@b.example'), ['loymax:3']);

  await migrate(store);
  const blanks = await store.query("SELECT customer_key FROM attributes WHERE lookup_value = ''");
  assert.equal(blanks.rows.length, 0);
  const links = await store.query<{ key_a: string }>("SELECT key_a FROM identity_links WHERE workspace_id = 'upgrade' ORDER BY 1");
  assert.deepEqual(links.rows.map((r) => r.key_a), ['capillary:9'], 'only the undone link, the operator’s record, stays');
  assert.deepEqual(await findCustomerKeys(store, 'upgrade', 'email', 'a@b.example'), ['loymax:3']);
});
