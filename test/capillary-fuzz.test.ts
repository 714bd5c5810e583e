import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createFuzzer } from './support/capillary-fuzz.ts';
import { projected, sign, startCapillaryTestApp, type CapillaryTestApp } from './support/capillary-webhook.ts';

// 10,000 random and mutated events (seeded: the same run every time), alone
// or in batches, mixed with cut, corrupted and garbage bodies; all but every
// 50th body correctly signed so they get past authentication into parsing
// and storing. None may get a 5xx, and the service answers normally after.
const EVENTS = 10_000;
const CONCURRENCY = 16;
let t: CapillaryTestApp;
before(async () => {
  t = await startCapillaryTestApp();
});
after(() => t.close());

test(`${EVENTS.toLocaleString('en')} fuzzed webhook events: no 5xx, no crash`, async () => {
  const next = createFuzzer(20261121);
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  let events = 0;
  let index = 0;
  async function worker() {
    while (events < EVENTS) {
      const { body, events: count } = next();
      events += count;
      const n = ++index;
      const signed = n % 50 !== 0;
      const response = await fetch(`${t.url}/v1/webhooks/capillary/default`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signed ? { 'x-signature': sign(body) } : {}) },
        body: typeof body === 'string' ? body : new Uint8Array(body),
      });
      const text = await response.text();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500 && failures.length < 5) failures.push(`#${n} ${response.status} ${text.slice(0, 200)} for ${String(body).slice(0, 300)}`);
      if (!signed && response.status !== 401) failures.push(`#${n} unsigned got ${response.status}`);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  assert.deepEqual(failures, []);
  const seen = Object.fromEntries([...statuses].sort(([a], [b]) => a - b));
  assert.deepEqual(Object.keys(seen).map(Number).filter((s) => ![200, 400, 401, 413].includes(s)), [], JSON.stringify(seen));
  assert.ok((statuses.get(200) ?? 0) > 500, `enough bodies got through to storage: ${JSON.stringify(seen)}`);
  assert.ok((statuses.get(400) ?? 0) > 500, `enough bodies were refused: ${JSON.stringify(seen)}`);

  const ready = await fetch(`${t.url}/readyz`);
  assert.equal(ready.status, 200);
  const stored = await t.store.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE source = 'capillary'");
  assert.ok(Number(stored.rows[0]!.n) > 1000);
  // every accepted event reached the profiles: none is still queued or failed to project
  await projected(t.store);
  const failed = await t.store.query<{ error: string }>('SELECT error FROM projection_failures LIMIT 5');
  assert.deepEqual(failed.rows, []);
  assert.equal((await t.get('/v1/customers?phone=9876543210')).status, 200);
});
