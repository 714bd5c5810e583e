import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { applyEvents } from '../src/apply/apply-batch.ts';
import { parseLoymaxMessage } from '../src/ingest/loymax/parse.ts';
import { loymaxToCanonical } from '../src/ingest/loymax/to-canonical.ts';
import { createApiKey } from '../src/workspaces/api-keys.ts';
import { capillarySeedExamples, toFlat } from './fixtures/capillary/index.ts';
import { startCapillaryTestApp, type CapillaryTestApp } from './support/capillary-webhook.ts';

// Profiles of different sources sharing an identifier are linked by the
// workspace's rule (default: card numbers and external ids, not phones or
// e-mails), whichever source arrives first; a link shows on both profiles,
// can be undone over the API, and stays undone.
let t: CapillaryTestApp;
const run = promisify(execFile);
const SMARTCOM = fileURLToPath(new URL('../bin/smartcom.js', import.meta.url));
const cli = (...args: string[]) => run(process.execPath, [SMARTCOM, ...args], { env: { ...process.env, DATABASE_URL: t.database.url, LOG_LEVEL: 'silent' } });

let eventCounter = 0;
const capillaryCustomer = (customerId: number, instore: Record<string, unknown>) => {
  const flat = toFlat(capillarySeedExamples.find((e) => e.name === 'customerAdded.flat')!);
  return { ...flat, eventId: `link-${++eventCounter}`, data: { firstName: 'A', customerIdentifiers: { customerId, instore } } };
};

const loymax = (routingKey: string, body: object) => {
  const parsed = parseLoymaxMessage(routingKey, JSON.stringify(body));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.reason);
  return loymaxToCanonical(parsed.value, { workspaceId: 'default', messageId: `m-${++eventCounter}`, redelivered: false, receivedAt: new Date().toISOString() });
};
const loymaxCard = (customerId: number, cardNumber: string) =>
  loymax('customer.card.link', { eventCode: 'OnSetCard', linkCardType: 'SetCard', newCard: { cardNumber }, oldCard: null, customerInfo: { customerId } });
const loymaxPhone = (customerId: number, phone: string) =>
  loymax('customer.attribute.update', { eventCode: 'OnCustomerAttributeUpdate', attributeCode: 'Phone', newValue: phone, changeDateTime: '2025-01-01T00:00:00Z', customerInfo: { customerId } });

const loymaxMerge = (fromId: number, intoId: number) =>
  loymax('customer.profile.merge', { eventCode: 'MergeCustomersProfiles', fromCustomerInfo: { customerId: fromId }, toCustomerInfo: { customerId: intoId } });

const linksOf = async (id: string) => (await t.get(`/v1/customers/${id}`)).body.links.map((l: any) => `${l.customerId} ${l.kind} ${l.value}`);

before(async () => {
  t = await startCapillaryTestApp();
  await applyEvents(t.store, 'default', [loymaxCard(501, 'LC-100'), loymaxPhone(501, '+7 900 000-00-01'), loymaxPhone(502, '+7 900 000-00-02')]);
  for (const event of [
    capillaryCustomer(601, { cardNumbers: ['LC-100'], mobile: '79000000001' }),
    capillaryCustomer(602, { mobile: '79000000002' }),
    capillaryCustomer(603, { externalId: 'X-1' }),
    capillaryCustomer(604, { externalId: 'X-1' }),
    capillaryCustomer(605, { cardnumber: 'LC-500' }),
  ]) {
    assert.equal((await t.post(event)).status, 200);
  }
});
after(() => t.close());

test('by default profiles of different sources sharing a card number are linked, sharing a phone are not', async () => {
  assert.deepEqual(await linksOf('capillary:601'), ['loymax:501 card LC-100']);
  assert.deepEqual(await linksOf('loymax:501'), ['capillary:601 card LC-100'], 'the link shows on both profiles');
  assert.deepEqual(await linksOf('capillary:602'), []);
  assert.deepEqual(await linksOf('capillary:603'), [], 'profiles of the same source are never linked');
  const byCard = (await t.get('/v1/customers?cardNumber=LC-100')).body.customers.map((c: any) => c.id);
  assert.deepEqual(byCard, ['capillary:601', 'loymax:501']);
});

test('a link is made whichever source sees the identifier first', async () => {
  await applyEvents(t.store, 'default', [loymaxCard(505, 'LC-500')]);
  assert.deepEqual(await linksOf('capillary:605'), ['loymax:505 card LC-500']);
});

test('a link can be undone over the API and is not re-created by later events', async () => {
  const undone = await fetch(`${t.url}/v1/customers/capillary:601/links/loymax:501`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${await apiKey()}` },
  });
  assert.equal(undone.status, 200);
  assert.deepEqual(await undone.json(), { customerId: 'capillary:601', unlinkedFrom: 'loymax:501' });
  assert.deepEqual(await linksOf('capillary:601'), []);
  assert.deepEqual(await linksOf('loymax:501'), []);
  assert.equal((await t.post(capillaryCustomer(601, { cardNumbers: ['LC-100'] }))).status, 200);
  await applyEvents(t.store, 'default', [loymaxCard(501, 'LC-100')]);
  assert.deepEqual(await linksOf('capillary:601'), []);
  const again = await fetch(`${t.url}/v1/customers/capillary:601/links/loymax:501`, { method: 'DELETE', headers: { authorization: `Bearer ${await apiKey()}` } });
  assert.equal(again.status, 404);
  assert.equal((await again.json()).error, 'link_not_found');
  const undoEvents = (await t.get('/v1/customers/capillary:601/events')).body.events.filter((e: any) => e.eventCode === 'identityLinkUndone');
  assert.equal(undoEvents.length, 1, 'the undo is in the event log');
});

test('the rule is configurable per workspace (CLI); a changed rule relinks, undone links stay undone', async () => {
  const shown = await cli('identity', 'rule', '--workspace', 'default');
  assert.equal(shown.stdout.trim(), 'card,externalId (default)');
  const set = await cli('identity', 'rule', '--workspace', 'default', '--link', 'card,externalId,phone');
  assert.equal(set.stdout.trim(), 'card,externalId,phone');
  assert.deepEqual(await linksOf('capillary:602'), ['loymax:502 phone 79000000002']);
  assert.deepEqual(await linksOf('capillary:601'), [], 'the undone pair shares a phone too, and stays unlinked');

  await cli('identity', 'rule', '--workspace', 'default', '--link', 'card,externalId');
  assert.deepEqual(await linksOf('capillary:602'), [], 'narrowing the rule drops its links');
  assert.deepEqual(await linksOf('capillary:605'), ['loymax:505 card LC-500']);
  await assert.rejects(cli('identity', 'rule', '--workspace', 'default', '--link', 'card,shoeSize'), /unknown kind/);
});

test('a link follows its card: moved to another customer, the old holder loses the link and the new one gains it', async () => {
  await applyEvents(t.store, 'default', [loymaxCard(511, 'LC-700')]);
  assert.equal((await t.post(capillaryCustomer(611, { cardNumbers: ['LC-700'] }))).status, 200);
  assert.deepEqual(await linksOf('capillary:611'), ['loymax:511 card LC-700']);

  await applyEvents(t.store, 'default', [loymaxCard(512, 'LC-700')]);
  assert.deepEqual(await linksOf('loymax:511'), [], 'loymax:511 holds LC-700 no more');
  assert.deepEqual(await linksOf('capillary:611'), ['loymax:512 card LC-700']);
  assert.deepEqual(await linksOf('loymax:512'), ['capillary:611 card LC-700']);
});

test('a stale link whose profiles still share another value is made again over that value', async () => {
  await applyEvents(t.store, 'default', [loymaxCard(521, 'LC-800'), loymaxCard(521, 'LC-801')]);
  assert.equal((await t.post(capillaryCustomer(621, { cardNumbers: ['LC-800', 'LC-801'] }))).status, 200);
  assert.equal((await linksOf('capillary:621')).length, 1);
  await applyEvents(t.store, 'default', [loymaxCard(522, 'LC-800')]);
  const links = await linksOf('capillary:621');
  assert.ok(links.includes('loymax:521 card LC-801'), `still linked to loymax:521 over LC-801: ${links.join(', ')}`);
  assert.ok(links.includes('loymax:522 card LC-800'), `and to loymax:522 over LC-800: ${links.join(', ')}`);
});

test('a merged profile hands its links to the merge target', async () => {
  await applyEvents(t.store, 'default', [loymaxCard(531, 'LC-900')]);
  assert.equal((await t.post(capillaryCustomer(631, { cardNumbers: ['LC-900'] }))).status, 200);
  assert.deepEqual(await linksOf('capillary:631'), ['loymax:531 card LC-900']);
  await applyEvents(t.store, 'default', [loymaxMerge(531, 532)]);
  assert.deepEqual(await linksOf('capillary:631'), ['loymax:532 card LC-900']);
});

test('a link undone on a merged profile stays undone on its merge target', async () => {
  await applyEvents(t.store, 'default', [loymaxCard(561, 'LC-950')]);
  assert.equal((await t.post(capillaryCustomer(661, { cardNumbers: ['LC-950'] }))).status, 200);
  const undone = await fetch(`${t.url}/v1/customers/capillary:661/links/loymax:561`, { method: 'DELETE', headers: { authorization: `Bearer ${await apiKey()}` } });
  assert.equal(undone.status, 200);
  await applyEvents(t.store, 'default', [loymaxMerge(561, 562)]);
  assert.deepEqual(await linksOf('capillary:661'), [], 'the target now holds LC-950, but the operator said these are not one person');
  assert.deepEqual(await linksOf('loymax:562'), []);
});

test('under a phone rule, a changed phone drops the link it made', async () => {
  await cli('identity', 'rule', '--workspace', 'default', '--link', 'card,externalId,phone');
  try {
    await applyEvents(t.store, 'default', [loymaxPhone(541, '+7 900 000-00-41')]);
    assert.equal((await t.post(capillaryCustomer(641, { mobile: '79000000041' }))).status, 200);
    assert.deepEqual(await linksOf('capillary:641'), ['loymax:541 phone 79000000041']);
    await applyEvents(t.store, 'default', [loymaxPhone(541, '+7 900 000-00-42')]);
    assert.deepEqual(await linksOf('capillary:641'), []);
    assert.deepEqual(await linksOf('loymax:541'), []);

    // A phone cleared, or replaced by something that is no phone, drops its link too.
    for (const [n, cleared] of [[43, null], [44, 'n/a']] as const) {
      await applyEvents(t.store, 'default', [loymaxPhone(500 + n, `+7 900 000-00-${n}`)]);
      assert.equal((await t.post(capillaryCustomer(600 + n, { mobile: `790000000${n}` }))).status, 200);
      assert.deepEqual(await linksOf(`capillary:${600 + n}`), [`loymax:${500 + n} phone 790000000${n}`]);
      await applyEvents(t.store, 'default', [loymaxPhone(500 + n, cleared as string)]);
      assert.deepEqual(await linksOf(`capillary:${600 + n}`), [], `phone set to ${cleared}`);
    }

    // A merge that drops the merged profile's older phone drops the link made over it.
    await applyEvents(t.store, 'default', [
      loymax('customer.attribute.update', { eventCode: 'OnCustomerAttributeUpdate', attributeCode: 'Phone', newValue: '+7 900 000-00-51', changeDateTime: '2025-01-01T00:00:00Z', customerInfo: { customerId: 551 } }),
      loymax('customer.attribute.update', { eventCode: 'OnCustomerAttributeUpdate', attributeCode: 'Phone', newValue: '+7 900 000-00-52', changeDateTime: '2025-03-01T00:00:00Z', customerInfo: { customerId: 552 } }),
    ]);
    assert.equal((await t.post(capillaryCustomer(651, { mobile: '79000000051' }))).status, 200);
    assert.deepEqual(await linksOf('capillary:651'), ['loymax:551 phone 79000000051']);
    await applyEvents(t.store, 'default', [loymaxMerge(551, 552)]);
    assert.deepEqual(await linksOf('capillary:651'), [], 'neither loymax:551 nor its target holds 79000000051 now');
  } finally {
    await cli('identity', 'rule', '--workspace', 'default', '--link', 'card,externalId');
  }
});

test('setting the rule again drops a stale link an earlier version left', async () => {
  // As an earlier version could leave it: a link over a card neither profile holds.
  await t.store.query("INSERT INTO identity_links (workspace_id, key_a, key_b, kind, value, linked_at) VALUES ('default', 'capillary:602', 'loymax:502', 'card', 'LC-GONE', now())");
  assert.deepEqual(await linksOf('capillary:602'), ['loymax:502 card LC-GONE']);
  await cli('identity', 'rule', '--workspace', 'default', '--link', 'card,externalId');
  assert.deepEqual(await linksOf('capillary:602'), []);
  assert.deepEqual(await linksOf('capillary:605'), ['loymax:505 card LC-500'], 'current links stay');
});

test('the webhook secret is managed by the CLI and printed once', async () => {
  const { stdout } = await cli('webhooks', 'secret', 'set', '--workspace', 'default', '--auth', 'token');
  const secret = stdout.trim();
  assert.match(secret, /^whsec_/);
  const listed = await cli('webhooks', 'list');
  assert.match(listed.stdout, /^default\tcapillary\ttoken\t/m);
  assert.ok(!listed.stdout.includes(secret));
});

let key: string | undefined;
async function apiKey(): Promise<string> {
  key ??= (await createApiKey(t.store, 'default', 'links test')).key;
  return key;
}
