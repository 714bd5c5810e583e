import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyEvents } from '../src/apply/apply-batch.ts';
import { parseLoymaxMessage } from '../src/ingest/loymax/parse.ts';
import { loymaxToCanonical } from '../src/ingest/loymax/to-canonical.ts';
import { readProfile } from '../src/profiles/read-profile.ts';
import { resolveCustomer } from '../src/profiles/resolve-customer.ts';
import type { Store } from '../src/store/db.ts';
import { openStore, StoreInUseError } from '../src/store/open-store.ts';
import { loymaxSeedExamples } from './fixtures/loymax/index.ts';
import { createTestDatabase } from './support/test-database.ts';

// The embedded store (PGlite) runs the same migrations and the same SQL as
// PostgreSQL: the seed examples give the same profiles on both.
const seedEvents = () =>
  loymaxSeedExamples.map(({ routingKey, body }, i) => {
    const parsed = parseLoymaxMessage(routingKey, body);
    assert.ok(parsed.ok);
    return loymaxToCanonical(parsed.value, { workspaceId: 'default', messageId: `seed-${i}`, redelivered: false, receivedAt: '2026-01-01T00:00:00.000Z' });
  });

async function profilesAfterSeed(store: Store) {
  await applyEvents(store, 'default', seedEvents());
  const profiles: Record<string, unknown> = {};
  for (const id of ['121', '11', '13', '24', '18', '42', '126', '164', '107']) {
    const customer = await resolveCustomer(store, 'default', `loymax:${id}`);
    profiles[id] = customer && (await readProfile(store, 'default', customer));
  }
  return profiles;
}

test('PGlite and PostgreSQL give the same profiles from the same events', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smartcom-pglite-'));
  const database = await createTestDatabase();
  const embedded = await openStore({ dataDir: dir });
  const postgres = await openStore({ databaseUrl: database.url, dataDir: '' });
  try {
    assert.equal(embedded.kind, 'pglite');
    const [a, b] = [await profilesAfterSeed(embedded), await profilesAfterSeed(postgres)];
    assert.deepEqual(a, b);
    assert.equal((a['107'] as any).purchases[0].refunds[0].refundId, '513');
  } finally {
    await embedded.close();
    await postgres.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the embedded store keeps its data across restarts and refuses a second process', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smartcom-pglite-'));
  try {
    const first = await openStore({ dataDir: dir });
    await applyEvents(first, 'default', seedEvents().slice(0, 2));
    // the lock names a live process: a second opener (here, a fake other pid) must be refused
    const lockFile = join(dir, 'pglite', 'smartcom.lock');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(lockFile, String(process.ppid));
    await assert.rejects(openStore({ dataDir: dir }), StoreInUseError);
    writeFileSync(lockFile, String(process.pid));
    await first.close();

    const again = await openStore({ dataDir: dir });
    const count = await again.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    assert.equal(Number(count.rows[0]!.n), 2);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
