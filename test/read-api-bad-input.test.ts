import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { applyEvents } from '../src/apply/apply-batch.ts';
import { parseLoymaxMessage } from '../src/ingest/loymax/parse.ts';
import { loymaxToCanonical } from '../src/ingest/loymax/to-canonical.ts';
import { createApiKey } from '../src/workspaces/api-keys.ts';
import { buildTestApp } from './support/test-app.ts';
import { useTestStore } from './support/test-store.ts';

// The read API answers bad input with a 4xx and a reason, never a 500, and
// finds no one by a value that names no one.
const store = useTestStore();
let app: FastifyInstance;
let key: string;

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/loymax/${name}.json`, import.meta.url), 'utf8'));
function loymax(routingKey: string, body: object, messageId: string) {
  const parsed = parseLoymaxMessage(routingKey, JSON.stringify(body));
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return loymaxToCanonical(parsed.value, { workspaceId: 'default', messageId, redelivered: false, receivedAt: new Date().toISOString() });
}
function purchase(customerId: number, purchaseId: number, externalId: string) {
  const body = fixture('purchases.confirm.modelUpdate');
  body.customerInfo = { customerId };
  body.purchaseOperationInfo.purchaseData.purchaseId = purchaseId;
  body.purchaseOperationInfo.purchaseData.externalPurchaseId = externalId;
  return loymax('purchases.confirm.modelUpdate', body, `purchase-${purchaseId}`);
}
const email = (customerId: number, value: string) =>
  loymax('customer.attribute.update', { eventCode: 'OnCustomerAttributeUpdate', attributeCode: 'Email', newValue: value, changeDateTime: '2021-06-15T09:17:07Z', customerInfo: { customerId } }, `email-${customerId}`);

before(async () => {
  app = await buildTestApp(await store.ready());
  key = (await createApiKey(store(), 'default', 'reader')).key;
  // Two customers whose purchases share a till's cheque id, and a refund of
  // the first one's naming only that id.
  const refund = fixture('purchases.refundModelUpdate');
  refund.customerInfo = { customerId: 107 };
  refund.refundedPurchaseViewModel = { refundedPurchaseId: null, refundedPurchaseExternalId: 'CHEQUE-1' };
  refund.refundOperationInfo.identity = 'phone-of-107';
  await applyEvents(store(), 'default', [
    purchase(107, 512, 'CHEQUE-1'),
    purchase(108, 600, 'CHEQUE-1'),
    loymax('purchases.refundModelUpdate', refund, 'refund-1'),
    email(201, ' '),
    email(202, '  '),
    email(203, 'Someone@Example.com'),
  ]);
});
after(() => app?.close());

const request = async (method: 'GET' | 'DELETE', url: string) => {
  const answer = await app.inject({ method, url, headers: { authorization: `Bearer ${key}` } });
  return { status: answer.statusCode, body: answer.json() as Record<string, any> };
};
const cursor = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');

for (const url of [
  '/v1/customers/%00',
  '/v1/customers?cardNumber=%00',
  '/v1/customers?phone=1%00',
  '/v1/customers?uid=%00',
  '/v1/customers?identifier=a%00&identifierType=mobile',
  '/v1/customers/107/purchases?before=2024-01-01T00:00:00Z&beforePurchaseId=%00',
  '/v1/catalog/products?source=%00',
  '/v1/catalog/products/%00/x',
  '/v1/promo-codes/%00',
  `/v1/catalog/products?cursor=${cursor(['\u0000', 'x'])}`,
  `/v1/catalog/categories?cursor=${cursor(['a', '\u0000'])}`,
  '/v1/imports/runs?job=%00',
  '/v1/imports/runs/%00',
  '/v1/customers/107/events?beforeSeq=9223372036854775808',
  '/v1/customers/107/purchases?before=0000-01-01T00:00:00Z',
  '/v1/imports/runs?beforeStartedAt=0000-01-01T00:00:00Z&beforeId=x',
]) {
  test(`GET ${url} is refused with a reason`, async () => {
    const { status, body } = await request('GET', url);
    assert.equal(status, 400, JSON.stringify(body));
    assert.equal(body.error, url.includes('cursor=') ? 'invalid_cursor' : 'invalid_request');
    assert.ok(body.message, 'a reason');
  });
}

test('DELETE of a link naming an id with NUL is refused with a reason', async () => {
  const { status, body } = await request('DELETE', '/v1/customers/107/links/%00');
  assert.deepEqual([status, body.error], [400, 'invalid_request']);
});

test("a refund linked by a till's cheque id shows only under its own customer's purchase", async () => {
  const other = await request('GET', '/v1/customers/108/purchases');
  assert.deepEqual(other.body.purchases[0].refunds, [], "another customer's refund (and the phone it names) is not shown");
  assert.equal(other.body.purchases[0].refundedAmount, 0);
  const own = await request('GET', '/v1/customers/107/purchases');
  assert.deepEqual(own.body.purchases[0].refunds.map((r: { identity: string }) => r.identity), ['phone-of-107']);
  assert.deepEqual(own.body.unlinkedRefunds, []);
});

test('a blank e-mail finds no one; a real one is found whatever its case', async () => {
  assert.deepEqual((await request('GET', '/v1/customers?email=%20')).body.customers, []);
  assert.deepEqual((await request('GET', '/v1/customers?email=')).status, 400);
  assert.deepEqual((await request('GET', '/v1/customers?email=someone%40example.com')).body.customers.map((c: { id: string }) => c.id), ['loymax:203']);
});

test('a path that is not valid percent-encoding is refused in the house shape', async () => {
  for (const url of ['/v1/customers/%', '/v1/customers/%ED%A0%80']) {
    const answer = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
    assert.equal(answer.statusCode, 400, url);
    assert.equal(answer.json().error, 'invalid_request', url);
  }
});

test('a DELETE sent with a JSON content type and no body is read as no body; a PUT is still refused', async () => {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const unlink = await app.inject({ method: 'DELETE', url: '/v1/customers/107/links/108', headers });
  assert.deepEqual([unlink.statusCode, unlink.json().error], [404, 'link_not_found']);
  const put = await app.inject({ method: 'PUT', url: '/v1/imports/jobs/nightly', headers });
  assert.deepEqual([put.statusCode, put.json().error], [400, 'empty_body']);
});

test("Fastify's JSON protections stay on: a body smuggling a prototype is refused", async () => {
  for (const payload of ['{"constructor":{"prototype":{"polluted":1}}}', '{"__proto__":{"polluted":1}}']) {
    const answer = await app.inject({ method: 'PUT', url: '/v1/imports/jobs/nightly', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, payload });
    assert.equal(answer.statusCode, 400, payload);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  }
});
