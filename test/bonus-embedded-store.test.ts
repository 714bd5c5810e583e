import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startService } from '../src/bin/service.ts';
import { loadConfig } from '../src/config/config.ts';
import { createApiKey } from '../src/workspaces/api-keys.ts';
import { balanceMismatches, bonusClient, item } from './support/bonus-api.ts';

// With no DATABASE_URL the bonus commands run on the embedded PGlite: same
// migration, same SQL, same rules.
test('the bonus commands work end to end on the embedded store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smartcom-bonus-pglite-'));
  const service = await startService(loadConfig({}, { dataDir: dir, httpHost: '127.0.0.1', httpPort: 0, bonusPollMs: 10 }), pino({ level: 'silent' }));
  try {
    const api = bonusClient(service.url, (await createApiKey(service.store, 'default', 'test')).key);
    const phone = '+79250000001';
    const outcome = await api.addAndSettle([
      item({ uniqId: 'e-1', phone, amount: 100.5, message: 'hello', showCount: 2 }),
      item({ uniqId: 'e-2', phone, amount: 1 }), // FAQ 4
      item({ uniqId: 'e-3', email: 'e3@mail.ru' }),
    ]);
    assert.deepEqual(outcome.results.map((r: any) => r.error?.typeOfError ?? r.status), ['Success', 'phoneBelongsToOtherCustomer', 'Success']);
    const block = await api.block([{ uniqId: 'e-3' }]);
    await api.settled(block.body.commandId);
    assert.deepEqual([(await api.account('e-1')).body.balance, (await api.account('e-3')).body.status], [100.5, 'Blocked']);
    assert.deepEqual((await api.authorise('e-1')).body.messages.map((m: any) => m.shownCount), [1]);
    assert.equal((await api.operations({ phone })).body.total.amount, 100.5);
    assert.deepEqual(await balanceMismatches(service.store), []);
  } finally {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
