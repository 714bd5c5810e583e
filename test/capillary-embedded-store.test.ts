import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyEvents } from '../src/apply/apply-batch.ts';
import { parseCapillaryEvent } from '../src/ingest/capillary/parse.ts';
import { capillaryToCanonical } from '../src/ingest/capillary/to-canonical.ts';
import { readProfile } from '../src/profiles/read-profile.ts';
import { resolveCustomer } from '../src/profiles/resolve-customer.ts';
import type { Store } from '../src/store/db.ts';
import { openStore } from '../src/store/open-store.ts';
import { capillarySeedExamples } from './fixtures/capillary/index.ts';
import { createTestDatabase } from './support/test-database.ts';

// The Capillary migration and SQL run unchanged on the embedded store: the
// seed examples give the same profiles on PGlite as on PostgreSQL.
const IDS = ['164875382', '8525', '12345', '919', '622372905', '3035', '6386', '3900', '564', '7098', '3970', '6560'];

async function profilesAfterSeed(store: Store) {
  const events = capillarySeedExamples.map((example) => {
    const parsed = parseCapillaryEvent(JSON.parse(example.body));
    assert.ok(parsed.ok);
    return capillaryToCanonical(parsed.value, { workspaceId: 'default', receivedAt: '2026-01-01T00:00:00.000Z' });
  });
  await applyEvents(store, 'default', events);
  const profiles: Record<string, unknown> = {};
  for (const id of IDS) {
    const customer = await resolveCustomer(store, 'default', `capillary:${id}`);
    profiles[id] = customer && (await readProfile(store, 'default', customer));
  }
  return profiles;
}

test('PGlite and PostgreSQL give the same Capillary profiles from the same events', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smartcom-pglite-'));
  const database = await createTestDatabase();
  const embedded = await openStore({ dataDir: dir });
  const postgres = await openStore({ databaseUrl: database.url, dataDir: '' });
  try {
    const [a, b] = [await profilesAfterSeed(embedded), await profilesAfterSeed(postgres)];
    assert.deepEqual(a, b);
    assert.equal((a['12345'] as any).fields.custom.MembershipLevel.value, 'Gold');
    assert.ok((a['622372905'] as any).erased);
  } finally {
    await embedded.close();
    await postgres.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
