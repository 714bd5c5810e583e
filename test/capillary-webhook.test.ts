import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import pg from 'pg';
import { capillarySeedExamples, inForm, toFlat } from './fixtures/capillary/index.ts';
import { sign, startCapillaryTestApp, tableCounts, TEST_WEBHOOK_SECRET, type CapillaryTestApp } from './support/capillary-webhook.ts';

// The webhook edge over real HTTP and a real database: who may post, what a
// bad body gets, and that Capillary's retries change nothing.
let t: CapillaryTestApp;
before(async () => {
  t = await startCapillaryTestApp();
});
after(() => t.close());

const example = (name: string) => toFlat(capillarySeedExamples.find((e) => e.name === name)!);
const customerAdded = (eventId: string, customerId: number, mobile = `7900${customerId}`) => {
  const flat = example('customerAdded.attributes');
  return {
    ...flat,
    eventId,
    data: { ...flat.data, firstName: `First${customerId}`, customerIdentifiers: { customerId, instore: { mobile, externalId: `EXT-${customerId}` } } },
  };
};
const eventsStored = async () => Number((await t.store.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0]!.n);

test('a missing or wrong signature is refused with 401 and nothing is stored', async () => {
  const before = await eventsStored();
  const body = JSON.stringify(customerAdded('auth-1', 1001));
  const attempts: Array<[string, Record<string, string>]> = [
    ['no signature', {}],
    ['another secret', { 'x-signature': sign(body, 'whsec_not-the-secret-at-all') }],
    ['another body', { 'x-signature': sign(`${body} `) }],
    ['garbage', { 'x-signature': 'sha256=zz' }],
    ['a bearer token instead', { authorization: `Bearer ${TEST_WEBHOOK_SECRET}` }],
  ];
  for (const [what, headers] of attempts) {
    const reply = await t.post(body, { signature: null, headers });
    assert.equal(reply.status, 401, what);
    assert.equal(reply.body.error, 'unauthorized', what);
  }
  assert.equal((await t.post(body, { workspace: 'no-such-workspace' })).status, 401, 'a workspace without a secret');
  assert.equal(await eventsStored(), before);
  assert.equal((await t.get('/v1/customers/capillary:1001')).status, 404);
});

test('a valid signature in hex, base64 or under X-Hub-Signature-256 is accepted', async () => {
  const body = JSON.stringify(customerAdded('auth-2', 1002));
  const digest = createHmac('sha256', TEST_WEBHOOK_SECRET).update(body).digest();
  assert.equal((await t.post(body, { signature: digest.toString('hex') })).status, 200);
  assert.equal((await t.post(body, { signature: digest.toString('base64') })).status, 200);
  assert.equal((await t.post(body, { signature: null, headers: { 'x-hub-signature-256': `sha256=${digest.toString('hex')}` } })).status, 200);
  assert.equal((await t.get('/v1/customers/capillary:1002')).body.fields.standard.firstName.value, 'First1002');
});

test('token and both modes: the secret as a bearer token, with or without a signature as configured', async () => {
  await t.addWorkspace('by-token', 'token');
  await t.addWorkspace('by-both', 'both');
  const body = JSON.stringify(customerAdded('auth-3', 1003));
  const bearer = { authorization: `Bearer ${TEST_WEBHOOK_SECRET}` };
  assert.equal((await t.post(body, { workspace: 'by-token', signature: null, headers: bearer })).status, 200);
  assert.equal((await t.post(body, { workspace: 'by-token', signature: null, headers: { authorization: 'Bearer nope' } })).status, 401);
  assert.equal((await t.post(body, { workspace: 'by-token' })).status, 401, 'a signature alone is not a token');
  assert.equal((await t.post(body, { workspace: 'by-both', signature: null, headers: bearer })).status, 401);
  assert.equal((await t.post(body, { workspace: 'by-both', headers: bearer })).status, 200);
});

test('API keys do not open the webhook, and the webhook secret does not open the API', async () => {
  const body = JSON.stringify(customerAdded('auth-4', 1004));
  const apiKey = await t.get('/v1/customers?phone=1');
  assert.equal(apiKey.status, 200);
  const asSecret = await fetch(`${t.url}/v1/customers/capillary:1002`, { headers: { authorization: `Bearer ${TEST_WEBHOOK_SECRET}` } });
  assert.equal(asSecret.status, 401);
  assert.equal((await t.post(body, { signature: null, headers: { 'x-api-key': 'smk_whatever' } })).status, 401);
});

test('bad bodies get a specific 4xx, never a 5xx', async () => {
  const cases: Array<[string, string | Buffer, number, string]> = [
    ['not JSON', '{"eventName": "customerAdded",', 400, 'invalid_json'],
    ['empty', '', 400, 'empty_body'],
    ['an empty batch', '[]', 400, 'empty_batch'],
    ['unknown event', JSON.stringify({ ...customerAdded('bad-1', 1), eventName: 'pointsIssued' }), 400, 'unknown_event'],
    ['no eventId', JSON.stringify({ ...customerAdded('bad-2', 1), eventId: null }), 400, 'missing_event_id'],
    ['too large', `[${'"x",'.repeat(1_100_000)}"x"]`, 413, 'body_too_large'],
  ];
  for (const [what, body, status, error] of cases) {
    const reply = await t.post(body);
    assert.equal(reply.status, status, what);
    assert.equal(reply.body.error, error, what);
    assert.equal(typeof reply.body.message, 'string');
  }
  const badWorkspace = await t.post('{}', { workspace: 'Not_A_Workspace' });
  assert.equal(badWorkspace.status, 400);
  // any content type: the signature is over the bytes, whatever they claim to be
  const body = JSON.stringify(customerAdded('ctype-1', 1005));
  const plain = await fetch(`${t.url}/v1/webhooks/capillary/default`, { method: 'POST', headers: { 'content-type': 'text/plain', 'x-signature': sign(body) }, body });
  assert.equal(plain.status, 200);
  const none = await fetch(`${t.url}/v1/webhooks/capillary/default`, { method: 'POST', headers: { 'x-signature': sign(body) }, body: Buffer.from(body) });
  assert.equal(none.status, 200);
});

test('a batch with one bad event: the good ones are stored, the bad one is reported by index with its reason', async () => {
  const batch = [customerAdded('batch-1', 2001), { ...customerAdded('batch-2', 2002), data: { customerIdentifiers: {} } }, customerAdded('batch-3', 2003)];
  const reply = await t.post(batch);
  assert.equal(reply.status, 200);
  assert.equal(reply.body.accepted, 2);
  assert.equal(reply.body.rejected.length, 1);
  assert.equal(reply.body.rejected[0].index, 1);
  assert.equal(reply.body.rejected[0].error, 'invalid_event');
  assert.match(reply.body.rejected[0].message, /customerIdentifiers\/customerId/);
  assert.equal((await t.get('/v1/customers/capillary:2001')).status, 200);
  assert.equal((await t.get('/v1/customers/capillary:2002')).status, 404);
  assert.equal((await t.get('/v1/customers/capillary:2003')).status, 200);

  const allBad = await t.post([{ eventName: 'x', eventId: 'e', data: {} }, 7]);
  assert.equal(allBad.status, 400);
  assert.equal(allBad.body.error, 'invalid_events');
  assert.deepEqual(allBad.body.rejected.map((r: any) => [r.index, r.error]), [[0, 'unknown_event'], [1, 'not_an_object']]);
});

test('a repeated eventId is answered 200 and changes nothing, in any envelope, even concurrently', async () => {
  const first = customerAdded('dup-1', 3001, '79001112233');
  assert.equal((await t.post(first)).status, 200);
  const profile = (await t.get('/v1/customers/capillary:3001')).body;
  const counts = await tableCounts(t.store);

  // Capillary retries the same eventId, possibly with a changed body (a later snapshot)
  const retry = { ...first, data: { ...first.data, firstName: 'Changed', customerIdentifiers: { customerId: 3001, instore: { mobile: '79009999999' } } } };
  const replies = await Promise.all([
    ...Array.from({ length: 10 }, () => t.post(first)),
    t.post(inForm(first, 'attributes')),
    t.post(inForm(first, 'wrapped')),
    t.post(retry),
    t.post([first, first]),
  ]);
  assert.deepEqual(
    replies.map((r) => r.status),
    replies.map(() => 200),
  );
  assert.deepEqual(await tableCounts(t.store), counts);
  const again = (await t.get('/v1/customers/capillary:3001')).body;
  assert.deepEqual({ ...again, lastEventAt: null }, { ...profile, lastEventAt: null });
  assert.equal(again.fields.standard.firstName.value, 'First3001');
});

test('concurrent deliveries of different events are all stored, each answered after its commit', async () => {
  const replies = await Promise.all(Array.from({ length: 60 }, (_, i) => t.post(customerAdded(`many-${i}`, 4000 + i))));
  assert.ok(replies.every((r) => r.status === 200));
  const stored = await t.store.query<{ n: number }>("SELECT count(*)::int AS n FROM customers WHERE customer_key LIKE 'capillary:40%'");
  assert.equal(Number(stored.rows[0]!.n), 60);
  // newer snapshots replace the single instore mobile; an older one arriving late does not
  const newer = { ...customerAdded('phone-new', 4000, '79005550002'), createdAt: 1_800_000_000_000 };
  const older = { ...customerAdded('phone-old', 4000, '79005550001'), createdAt: 1_700_000_000_000 };
  assert.equal((await t.post(newer)).status, 200);
  assert.equal((await t.post(older)).status, 200);
  const phones = (await t.get('/v1/customers/capillary:4000')).body.identifiers.filter((i: any) => i.kind === 'phone').map((i: any) => i.value);
  assert.deepEqual(phones, ['79005550002']);
  assert.deepEqual((await t.get('/v1/customers?phone=79005550001')).body.customers, []);
});

test('a group is named by its latest groupCreated / groupUpdated; other group events only fill in', async () => {
  const created = example('groupCreated.flat');
  const updated = example('groupUpdated.flat');
  const points = example('pointsContributionToGroup.flat');
  const group = (flat: any, eventId: string, createdAt: number, groupName: string) => ({ ...flat, eventId, createdAt, data: { ...flat.data, groupId: 9001, groupName } });
  const nameOf = async () => (await t.get(`/v1/customers/capillary:${created.data.primaryMember.customerIdentifiers.customerId}`)).body.groups.find((g: any) => g.groupId === '9001')?.name;
  assert.equal((await t.post(group(points, 'g-1', 1_700_000_000_000, 'From points'))).status, 200);
  assert.equal((await t.post(group(created, 'g-2', 1_700_000_000_100, 'Created'))).status, 200);
  assert.equal(await nameOf(), 'Created');
  assert.equal((await t.post(group(updated, 'g-3', 1_700_000_000_300, 'Renamed'))).status, 200);
  assert.equal((await t.post(group(created, 'g-4', 1_700_000_000_200, 'Stale retry'))).status, 200);
  assert.equal((await t.post(group(points, 'g-5', 1_700_000_000_400, 'Points again'))).status, 200);
  assert.equal(await nameOf(), 'Renamed');
});

test('a member added who is also named as the primary member is the group\'s primary, and so is a contributing primary member', async () => {
  const added = example('groupMemberAdded.flat');
  const self = { ...added.data.memberAdded, customerIdentifiers: { ...added.data.memberAdded.customerIdentifiers, customerId: 88021 } };
  const body = { ...added, eventId: 'self-primary-1', data: { ...added.data, groupId: 880003, primaryMember: self, memberAdded: self } };
  assert.equal((await t.post(body)).status, 200);
  const group = (await t.get('/v1/customers/capillary:88021')).body.groups.find((g: any) => g.groupId === '880003');
  assert.deepEqual([group.primary, group.primaryMember, group.status], [true, 'capillary:88021', 'active']);

  const points = example('pointsContributionToGroup.flat');
  const contributor = { ...points.data.contributingMember, customerIdentifiers: { ...points.data.contributingMember.customerIdentifiers, customerId: 88022 } };
  const contribution = { ...points, eventId: 'self-primary-2', data: { ...points.data, groupId: 880004, primaryMember: contributor, contributingMember: contributor } };
  assert.equal((await t.post(contribution)).status, 200);
  const second = (await t.get('/v1/customers/capillary:88022')).body.groups.find((g: any) => g.groupId === '880004');
  assert.deepEqual([second.primary, second.primaryMember], [true, 'capillary:88022']);
});

test('a field reported cleared (currentValue null or "") is cleared, and the change is in its history', async () => {
  const updated = example('customerUpdated.flat');
  const update = (eventId: string, createdAt: number, updatedFields: unknown[]) => ({
    ...updated,
    eventId,
    createdAt,
    data: { ...updated.data, customerIdentifiers: { customerId: 1501 }, extendedFields: [], customFields: [], updatedFields },
  });
  const set = [
    { fieldName: 'dob', previousValue: null, currentValue: '1990-01-01', fieldType: 'ExtendedField' },
    { fieldName: 'gender', previousValue: null, currentValue: 'M', fieldType: 'StandardField' },
  ];
  const cleared = [
    { fieldName: 'dob', previousValue: '1990-01-01', currentValue: null, fieldType: 'ExtendedField' },
    { fieldName: 'gender', previousValue: 'M', currentValue: '', fieldType: 'StandardField' },
  ];
  assert.equal((await t.post(update('clear-1', 1_700_000_000_000, set))).status, 200);
  assert.equal((await t.post(update('clear-2', 1_700_000_005_000, cleared))).status, 200);
  const fields = (await t.get('/v1/customers/capillary:1501')).body.fields;
  assert.equal(fields.extended.dob.value, null);
  assert.equal(fields.standard.gender.value, null);
  assert.deepEqual(fields.extended.dob.history.map((h: any) => h.currentValue), ['1990-01-01', null]);
  // a late, older report does not bring the value back
  assert.equal((await t.post(update('clear-3', 1_700_000_001_000, set))).status, 200);
  assert.equal((await t.get('/v1/customers/capillary:1501')).body.fields.extended.dob.value, null);
});

test("a group event's identifiers only fill gaps: they never replace what the member's own events said, whatever their dates", async () => {
  const phoneOf = async (id: number) =>
    (await t.get(`/v1/customers/capillary:${id}`)).body.identifiers.filter((i: any) => i.kind === 'phone').map((i: any) => i.value);
  const points = example('pointsContributionToGroup.flat');
  const contributor = (id: number, mobile: string) => ({ ...points.data.contributingMember, customerIdentifiers: { customerId: id, instore: { mobile } } });
  assert.equal((await t.post({ ...customerAdded('fill-1', 99970, '111000'), createdAt: 1_700_000_001_000 })).status, 200);
  const contribution = { ...points, eventId: 'fill-2', createdAt: 1_700_000_003_000, data: { ...points.data, groupId: 99001, primaryMember: null, contributingMember: contributor(99970, '111000') } };
  assert.equal((await t.post(contribution)).status, 200);
  // the customer's own update, dated before the group event, arrives last
  assert.equal((await t.post({ ...customerAdded('fill-3', 99970, '222000'), eventName: 'customerUpdated', createdAt: 1_700_000_002_000 })).status, 200);
  assert.deepEqual(await phoneOf(99970), ['222000']);
  // a member added with other identifiers than its own does not take them over
  assert.equal((await t.post({ ...customerAdded('fill-4', 99972, '333000'), createdAt: 1_700_000_001_000 })).status, 200);
  const added = example('groupMemberAdded.flat');
  const member = { ...added.data.memberAdded, customerIdentifiers: { customerId: 99972, instore: { mobile: '444000' } } };
  assert.equal((await t.post({ ...added, eventId: 'fill-5', createdAt: 1_700_000_009_000, data: { ...added.data, groupId: 99002, primaryMember: null, memberAdded: member } })).status, 200);
  assert.deepEqual(await phoneOf(99972), ['333000']);
  // a customer known only from a group event gets its identifiers from it
  const stranger = { ...added.data.memberAdded, customerIdentifiers: { customerId: 99973, instore: { mobile: '555000' } } };
  assert.equal((await t.post({ ...added, eventId: 'fill-6', data: { ...added.data, groupId: 99002, primaryMember: null, memberAdded: stranger } })).status, 200);
  assert.deepEqual(await phoneOf(99973), ['555000']);
});

test('a body declared in another charset than UTF-8 is refused with 415, bytes that are not UTF-8 with 400 invalid_utf8; nothing is stored', async () => {
  const before = await eventsStored();
  const body = JSON.stringify({ ...customerAdded('charset-1', 1301), data: { ...customerAdded('charset-1', 1301).data, firstName: 'José' } });
  const latin1 = Buffer.from(body, 'latin1');
  const send = (contentType: string) =>
    fetch(`${t.url}/v1/webhooks/capillary/default`, { method: 'POST', headers: { 'content-type': contentType, 'x-signature': sign(latin1) }, body: new Uint8Array(latin1) });
  const declared = await send('application/json; charset=iso-8859-1');
  assert.equal(declared.status, 415);
  assert.equal((await declared.json()).error, 'unsupported_charset');
  const raw = await send('application/json');
  assert.equal(raw.status, 400);
  assert.equal((await raw.json()).error, 'invalid_utf8');
  assert.equal(await eventsStored(), before);
  const utf8 = await t.post(body, { headers: { 'content-type': 'application/json; charset=utf-8' } });
  assert.equal(utf8.status, 200);
  assert.equal((await t.get('/v1/customers/capillary:1301')).body.fields.standard.firstName.value, 'José');
});

test('while the store is away, reads and webhooks answer 503 (try again), and both work again once it is back', async () => {
  const name = new URL(t.database.url).pathname.slice(1);
  const admin = new pg.Client(t.database.url.replace(`/${name}`, '/postgres'));
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    const read = await t.get('/v1/customers/capillary:1002');
    assert.equal(read.status, 503);
    assert.equal(read.body.error, 'store_unavailable');
    const away = JSON.stringify(customerAdded('away-1', 1402));
    const webhook = await fetch(`${t.url}/v1/webhooks/capillary/default`, { method: 'POST', headers: { 'x-signature': sign(away) }, body: away });
    assert.equal(webhook.status, 503);
  } finally {
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    await admin.end();
  }
  assert.equal((await t.post(customerAdded('back-1', 1401))).status, 200);
  assert.equal((await t.get('/v1/customers/capillary:1401')).status, 200);
});

test('a store failure that is no outage answers 500, not 503: the sender would retry it for days in vain', async () => {
  await t.store.query(`CREATE FUNCTION refuse_1403() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.customer_key = 'capillary:1403' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$;
    CREATE TRIGGER refuse_1403 BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_1403();`);
  try {
    const refused = await t.post(customerAdded('refused-1', 1403));
    assert.equal(refused.status, 500);
    assert.equal(refused.body.error, 'internal');
  } finally {
    await t.store.query('DROP TRIGGER refuse_1403 ON events; DROP FUNCTION refuse_1403()');
  }
  assert.equal((await t.post(customerAdded('refused-1', 1403))).status, 200, 'the same event once the store takes it');
});
