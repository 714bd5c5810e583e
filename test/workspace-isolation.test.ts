import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEvents } from '../src/apply/apply-batch.ts';
import { parseLoymaxMessage } from '../src/ingest/loymax/parse.ts';
import { loymaxToCanonical } from '../src/ingest/loymax/to-canonical.ts';
import { createApiKey, revokeApiKey } from '../src/workspaces/api-keys.ts';
import { createWorkspace } from '../src/workspaces/workspaces.ts';
import { eventCount, startTestService, type TestService } from './support/test-service.ts';
import { waitFor } from './support/wait-for.ts';

// One workspace's key never reads another's data; every endpoint but the
// health checks needs a key.
let t: TestService;
let acmeKey: string;

const attribute = (workspaceId: string, phone: string) => {
  const parsed = parseLoymaxMessage(
    'customer.attribute.update',
    JSON.stringify({ eventCode: 'OnCustomerAttributeUpdate', attributeCode: 'Phone', newValue: phone, changeDateTime: '2021-06-15T09:17:07Z', customerInfo: { customerId: 121 } }),
  );
  assert.ok(parsed.ok);
  return loymaxToCanonical(parsed.value, { workspaceId, messageId: null, redelivered: false, receivedAt: new Date().toISOString() });
};

before(async () => {
  t = await startTestService();
  await createWorkspace(t.service.store, 'acme');
  acmeKey = (await createApiKey(t.service.store, 'acme', 'acme test')).key;
  await t.publisher.publish([{ body: { eventCode: 'OnBeginRegistration', customerInfo: { customerId: 121, customerCode: 'default-121' } } }]);
  await waitFor('registration applied', async () => (await eventCount(t.service)) === 1);
  await applyEvents(t.service.store, 'default', [attribute('default', '70000000001')]);
  await applyEvents(t.service.store, 'acme', [attribute('acme', '70000000002')]);
});
after(() => t.close());

test("each key reads its own workspace's version of the same customer id", async () => {
  const mine = await t.get('/v1/customers/121');
  const theirs = await t.get('/v1/customers/121', acmeKey);
  assert.equal(mine.body.attributes.Phone.value, '70000000001');
  assert.equal(theirs.body.attributes.Phone.value, '70000000002');
  assert.equal(mine.body.customerCode, 'default-121');
  assert.equal(theirs.body.customerCode, null);
});

test("lookups and histories never cross workspaces", async () => {
  assert.deepEqual((await t.get('/v1/customers?phone=70000000001', acmeKey)).body.customers, []);
  assert.deepEqual((await t.get('/v1/customers?uid=default-121', acmeKey)).body.customers, []);
  const history = await t.get('/v1/customers/121/events', acmeKey);
  assert.equal(history.body.events.length, 1);
  assert.equal(history.body.events[0].routingKey, 'customer.attribute.update');
});

test('no key, an unknown key or a revoked key is refused with 401; health checks need none', async () => {
  const noKey = await fetch(`${t.service.url}/v1/customers/121`);
  assert.equal(noKey.status, 401);
  assert.equal((await noKey.json()).error, 'unauthorized');
  assert.equal((await t.get('/v1/customers/121', 'smk_not-a-key')).status, 401);
  const revoked = await createApiKey(t.service.store, 'acme', 'to revoke');
  await revokeApiKey(t.service.store, revoked.id);
  assert.equal((await t.get('/v1/customers/121', revoked.key)).status, 401);
  assert.equal((await fetch(`${t.service.url}/metrics`)).status, 401);
  assert.equal((await fetch(`${t.service.url}/healthz`)).status, 200);
  const ready = await fetch(`${t.service.url}/readyz`);
  assert.equal(ready.status, 200);
  assert.deepEqual(await ready.json(), { status: 'ready', store: 'ok', consumer: 'consuming' });
});

test('bad requests get a specific 4xx, unknown customers a 404', async () => {
  const missing = await t.get('/v1/customers/loymax:424242');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error, 'customer_not_found');
  const two = await t.get('/v1/customers?phone=1&email=a@b.c');
  assert.equal(two.status, 400);
  const badLimit = await t.get('/v1/customers/121/events?limit=0');
  assert.equal(badLimit.status, 400);
  assert.equal(badLimit.body.error, 'invalid_request');
});

test('the OpenAPI description is served at /docs', async () => {
  const spec = await fetch(`${t.service.url}/docs/json`).then((r) => r.json());
  assert.ok(spec.paths['/v1/customers/{id}']);
  assert.ok(spec.paths['/v1/customers/{id}/purchases']);
  assert.equal((await fetch(`${t.service.url}/docs`)).status < 400, true);
  // Both ways of giving the key are described, either one enough.
  assert.deepEqual(spec.components.securitySchemes.apiKeyHeader, { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'The same workspace API key, in a header of its own' });
  assert.deepEqual(spec.paths['/v1/customers/{id}'].get.security, [{ apiKey: [] }, { apiKeyHeader: [] }]);
  assert.ok(spec.paths['/v1/customers/{id}'].get.responses['404'], 'the unknown customer answer is described');
});
