import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { bonusClient, item, queuedItems, type BonusClient } from './support/bonus-api.ts';
import { startTestService, type TestService } from './support/test-service.ts';
import { seedExampleAnswer, seedExampleCommand, seedExampleItem } from './fixtures/bonus/seed-example.ts';

// Stage one (seed 1.1) over real HTTP and PostgreSQL. The background worker is
// off in this file, so what a command leaves in the queue can be read exactly.
let t: TestService;
let api: BonusClient;

before(async () => {
  t = await startTestService({ bonusWorker: false });
  api = bonusClient(t.service.url, t.apiKey);
});
after(() => t.close());

/** What the command left in the queue: each item queued (in its stored form) or rejected (with its error). */
async function storedItems(commandId: string) {
  const result = await t.service.store.query<{ items: Array<{ itemNo: number; item: any }>; results: Array<{ error: { typeOfError: string } | null }> }>(
    'SELECT items, results FROM bonus_commands WHERE command_id = $1',
    [commandId],
  );
  const row = result.rows[0]!;
  const queued = new Map(row.items.map((i) => [i.itemNo, i.item]));
  return row.results.map((r, itemNo) => ({
    state: queued.has(itemNo) ? 'queued' : 'rejected',
    item: queued.get(itemNo) ?? null,
    error_type: r.error?.typeOfError ?? null,
  }));
}

test("the seed's example request gets the seed's example response, and is queued durably before the answer", async () => {
  const answer = await api.command(seedExampleCommand);
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body.results, seedExampleAnswer.results);
  // The answer came after the commit: the item is in the table now, queued.
  const [stored] = await storedItems(answer.body.commandId);
  assert.equal(stored?.state, 'queued');
  assert.equal(stored?.item.accrual.amount, '200');
  assert.equal(stored?.item.accrual.merchantName, 'TZUM');
  assert.equal(stored?.item.message.showCount, 3);
});

test('1.1.1: a command that is not correct JSON is refused whole, with the documented Error object, and nothing is queued', async () => {
  const before = await queuedItems(t.service.store);
  const answer = await api.command('{"add":[{"uniqId":"1",}],"typeOfCommand":"addCustomerPointMessage"');
  assert.equal(answer.status, 400);
  assert.equal(answer.body.status, 'Failure');
  assert.equal(answer.body.error.typeOfError, 'invalidJson');
  assert.deepEqual(answer.body.results, []);
  assert.equal(await queuedItems(t.service.store), before);
});

test('a command without typeOfCommand, with an unknown one, or without items is refused whole', async () => {
  assert.equal((await api.command({ add: [item({ uniqId: '1' })] })).body.error.typeOfError, 'requiredParameterMissing');
  assert.equal((await api.command({ add: [item({ uniqId: '1' })], typeOfCommand: 'addBonusExtQuick' })).body.error.typeOfError, 'wrongParam');
  const empty = await api.command({ add: [], typeOfCommand: 'addCustomerPointMessage' });
  assert.equal(empty.status, 400);
  assert.equal(empty.body.error.typeOfError, 'requiredParameterMissing');
});

// Each rule: the bad item gets a Failure with the rule's error, the good item beside it is queued, the bad one is not.
const rules: Array<[string, Record<string, unknown>, string, RegExp]> = [
  ['1.1.2: uniqId is obligatory', { uniqId: null, amount: 1 }, 'requiredParameterMissing', /uniqId is required/],
  ['1.1.2: guid is obligatory', { uniqId: 'r2', guid: undefined, amount: 1 }, 'requiredParameterMissing', /guid is required/],
  ['1.1.3: the e-mail must be in the standard e-mail format', { uniqId: 'r3', email: 'ivanov@', amount: 1 }, 'dataNotValid', /email "ivanov@" is not an e-mail address/],
  ['1.1.3: the phone must be in the documented format', { uniqId: 'r4', phone: '+7925744354', amount: 1 }, 'dataNotValid', /phone "\+7925744354" is not a phone number/],
  ['1.1.3: enumerated strings must hold a listed value (eventType)', { uniqId: 'r5', amount: 1, eventType: 'shopping' }, 'wrongParam', /eventType must be one of/],
  ['1.1.3: enumerated strings must hold a listed value (operationType)', { uniqId: 'r6', amount: 1, operationType: 'gift' }, 'wrongParam', /operationType must be one of/],
  ['1.1.3: empty decimal values must be passed as 0 (amount)', { uniqId: 'r7', amount: null }, 'dataNotValid', /amount is empty: an empty decimal must be passed as 0/],
  ['1.1.3: empty decimal values must be passed as 0 (operationAmount)', { uniqId: 'r8', amount: 5, operationAmount: '' }, 'dataNotValid', /operationAmount is empty/],
  ['a decimal must be a non-negative number', { uniqId: 'r9', amount: -5 }, 'dataNotValid', /amount must be a decimal number >= 0/],
  ['showTill must be a date-time', { uniqId: 'r10', message: 'hi', showTill: '23.10.2019' }, 'dataNotValid', /showTill "23.10.2019" is not an ISO 8601 date-time/],
];

for (const [rule, bad, typeOfError, description] of rules) {
  test(rule, async () => {
    const badItem = item(bad);
    const goodItem = item({ uniqId: 'good', amount: 1 });
    const answer = await api.add([badItem, goodItem]);
    assert.equal(answer.status, 200);
    const [badResult, goodResult] = answer.body.results;
    assert.equal(badResult.status, 'Failure');
    assert.equal(badResult.error.typeOfError, typeOfError);
    assert.match(badResult.error.description, description);
    assert.deepEqual(goodResult, { login: 'good', guid: goodItem.guid, status: 'Success', error: null });
    assert.deepEqual(
      (await storedItems(answer.body.commandId)).map((s) => [s.state, s.error_type]),
      [
        ['rejected', typeOfError],
        ['queued', null],
      ],
    );
  });
}

test('FAQ 5: "If a value of parameter \'email\' is passed that does not correspond to the requirements … the accrual will not be performed" — refused at once', async () => {
  const answer = await api.add([item({ uniqId: 'faq5-new', email: 'not an email', amount: 100 })]);
  assert.equal(answer.body.results[0].status, 'Failure');
  assert.equal((await storedItems(answer.body.commandId))[0]?.state, 'rejected');
});

test('3.5: without an amount the amount-dependent values are not accepted: they are neither checked nor kept', async () => {
  const answer = await api.add([item({ uniqId: 'r35', message: 'no accrual', eventType: 'not-a-type', operationAmount: null, merchantName: 'kept?' })]);
  assert.equal(answer.body.results[0].status, 'Success');
  const [stored] = await storedItems(answer.body.commandId);
  assert.equal(stored?.item.accrual, null);
  assert.equal(stored?.item.message.text, 'no accrual');
});

test('blockCustomers and activateCustomers get the same per-item verdicts', async () => {
  const answer = await api.block([{ uniqId: 'b1' }, { phone: '12' }, {}]);
  assert.deepEqual(
    answer.body.results.map((r: any) => [r.login, r.status, r.error?.typeOfError ?? null]),
    [
      ['b1', 'Success', null],
      ['12', 'Failure', 'dataNotValid'],
      [null, 'Failure', 'requiredParameterMissing'],
    ],
  );
});

test('a command with 1,000 items is answered per item, in order', async () => {
  const items = Array.from({ length: 1000 }, (_, i) => item({ uniqId: `bulk-${i}`, amount: i % 10 === 0 ? null : 1 }));
  const answer = await api.add(items);
  assert.equal(answer.body.results.length, 1000);
  assert.equal(answer.body.results.filter((r: any) => r.status === 'Failure').length, 100);
  assert.equal(answer.body.results[999].login, 'bulk-999');
});

test('the commands need an API key, and the OpenAPI description documents the AddBonus fields', async () => {
  assert.equal((await fetch(`${t.service.url}/v1/bonus/commands`, { method: 'POST', body: '{}' })).status, 401);
  const spec = await fetch(`${t.service.url}/docs/json`).then((r) => r.json());
  const body = spec.paths['/v1/bonus/commands'].post.requestBody.content['application/json'].schema;
  const fields = Object.keys(body.properties.add.items.properties);
  for (const field of Object.keys(seedExampleItem)) assert.ok(fields.includes(field), field);
  assert.match(body.properties.add.items.properties.uniqId.description, /REQUIRED/);
});

test('a command declared in another charset than UTF-8 is refused with 415, bytes that are not UTF-8 with 400; nothing is queued', async () => {
  const before = await queuedItems(t.service.store);
  const send = (body: Buffer, contentType: string) =>
    fetch(`${t.service.url}/v1/bonus/commands`, { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': contentType }, body: new Uint8Array(body) });
  const command = JSON.stringify({ typeOfCommand: 'addCustomerPointMessage', add: [item({ uniqId: 'cp1251-1', message: 'Привет' })] });
  const declared = await send(Buffer.from(command, 'latin1'), 'application/json; charset=windows-1251');
  assert.equal(declared.status, 415);
  assert.match((await declared.json()).error.description, /declared as windows-1251; send it in UTF-8/);
  const broken = await send(Buffer.concat([Buffer.from(command.slice(0, 20)), Buffer.from([0xff, 0xfe]), Buffer.from(command.slice(20))]), 'application/json');
  assert.equal(broken.status, 400);
  assert.match((await broken.json()).error.description, /not valid UTF-8/);
  assert.equal(await queuedItems(t.service.store), before);
  assert.equal((await send(Buffer.from(command), 'application/json; charset=UTF-8')).status, 200);
});
