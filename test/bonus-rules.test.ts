import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { authoriseCustomer } from '../src/bonus/authorise-customer.ts';
import { createApiKey } from '../src/workspaces/api-keys.ts';
import { createWorkspace } from '../src/workspaces/workspaces.ts';
import { balanceMismatches, bonusClient, freshId, freshPhone, item, type BonusClient } from './support/bonus-api.ts';
import { startTestService, type TestService } from './support/test-service.ts';

// Stage two (seed 1.2, 3.x, 4 and the FAQ) end to end: real HTTP, the
// background worker and PostgreSQL. Every test names its own customers.
let t: TestService;
let api: BonusClient;

before(async () => {
  t = await startTestService({ bonusPollMs: 10 });
  api = bonusClient(t.service.url, t.apiKey);
});
after(async () => {
  assert.deepEqual(await balanceMismatches(t.service.store), []);
  await t.close();
});

const resultOf = (outcome: any, index = 0) => outcome.results[index];
const balanceOf = async (uniqId: string) => (await api.account(uniqId)).body.balance;

test('3.1: "If only uniqId, phone and email parameters are passed … the account with the \'new\' status is created"', async () => {
  const id = freshId();
  const phone = freshPhone();
  await api.addAndSettle([item({ uniqId: id, phone, email: `${id}@mail.ru` })]);
  const account = await api.account(id);
  assert.equal(account.status, 200);
  assert.deepEqual([account.body.status, account.body.balance, account.body.phone, account.body.email], ['New', 0, phone, `${id}@mail.ru`]);
});

test('3.3: a New customer becomes Active on a "transfer of charges by any commands"', async () => {
  const id = freshId();
  await api.addAndSettle([item({ uniqId: id })]);
  assert.equal((await api.account(id)).body.status, 'New');
  await api.addAndSettle([item({ uniqId: id, amount: 50 })]);
  const account = (await api.account(id)).body;
  assert.deepEqual([account.status, account.balance], ['Active', 50]);
  assert.ok(account.activatedAt);
});

test('3.3: a New customer becomes Active on "authorisation of a customer" (by link or by themselves)', async () => {
  const id = freshId();
  await api.addAndSettle([item({ uniqId: id })]);
  const first = await api.authorise(id);
  assert.equal(first.status, 200);
  assert.deepEqual([first.body.status, first.body.activated], ['Active', true]);
  assert.equal((await api.authorise(id)).body.activated, false);
  assert.equal((await api.account(id)).body.status, 'Active');
  // the activation reaches the profile's event history as an account change; the second authorisation changed nothing
  const history = (await t.get(`/v1/customers/bonus:${id}/events`)).body.events;
  assert.deepEqual(history.map((e: { payload: { status: string } }) => e.payload.status), ['Active', 'New']);
});

test('3.4: "customers previously blocked with the blockCustomers command are unblocked only with the activateCustomers command"', async () => {
  const id = freshId();
  const phone = freshPhone();
  await api.addAndSettle([item({ uniqId: id, phone, amount: 10 })]);
  const block = await api.block([{ phone }]);
  assert.equal(resultOf(await api.settled(block.body.commandId)).status, 'Success');
  assert.equal((await api.account(id)).body.status, 'Blocked');

  // Neither an accrual nor an authorisation unblocks; the accrual is still made (FAQ 6 lists no other reason for a missing one).
  await api.addAndSettle([item({ uniqId: id, amount: 5 })]);
  const refused = await api.authorise(id);
  assert.deepEqual([refused.status, refused.body.error], [403, 'customer_blocked']);
  assert.deepEqual([(await api.account(id)).body.status, await balanceOf(id)], ['Blocked', 15]);

  const activate = await api.activate([{ uniqId: id }]);
  assert.equal(resultOf(await api.settled(activate.body.commandId)).status, 'Success');
  const account = (await api.account(id)).body;
  assert.deepEqual([account.status, account.blockedAt], ['Active', null]);
  assert.equal((await api.authorise(id)).status, 200);
});

test('blocking or activating an unknown customer fails in the background with customerNotFound', async () => {
  const answer = await api.block([{ uniqId: freshId('ghost') }]);
  assert.equal(answer.body.results[0].status, 'Success');
  assert.equal(resultOf(await api.settled(answer.body.commandId)).error.typeOfError, 'customerNotFound');
});

test('3.5: "If no amount is transmitted, the passed values of the … \'yes, if amount is passed\' parameters are not accepted"', async () => {
  const id = freshId();
  await api.addAndSettle([item({ uniqId: id, merchantName: 'TZUM', operationAmount: 100, info: 'ignored', message: 'still shown' })]);
  const operations = await api.operations({ uniqId: id });
  assert.deepEqual(operations.body.operations, []);
  assert.equal((await api.account(id)).body.messagesToShow, 1);
});

test('FAQ 1: "Can I send a message without making an accrual? Answer: Yes, you can."', async () => {
  const id = freshId();
  await api.addAndSettle([item({ uniqId: id, amount: 0, message: 'Welcome to the programme' })]);
  const shown = await api.authorise(id);
  assert.deepEqual(shown.body.messages.map((m: any) => m.message), ['Welcome to the programme']);
  assert.equal(shown.body.balance, 0);
});

test('FAQ 2 and seed 4: the message is displayed at each authorisation, showCount times, until showTill', async () => {
  const id = freshId();
  const future = new Date(Date.now() + 3_600_000).toISOString();
  await api.addAndSettle([
    item({ uniqId: id, amount: 10, message: 'three times', showCount: 3 }),
    item({ uniqId: id, message: 'once, until an hour from now', showTill: future }),
    item({ uniqId: id, message: 'already expired', showCount: 5, showTill: '2019-10-23T18:25:43.511Z' }),
  ]);
  const seen: string[][] = [];
  for (let i = 0; i < 4; i += 1) seen.push((await api.authorise(id)).body.messages.map((m: any) => `${m.message} ${m.shownCount}/${m.showCount}`));
  assert.deepEqual(seen, [['three times 1/3', 'once, until an hour from now 1/1'], ['three times 2/3'], ['three times 3/3'], []]);

  // Past showTill a message is not shown even if it has showings left.
  const later = freshId();
  await api.addAndSettle([item({ uniqId: later, message: 'until soon', showCount: 2, showTill: future })]);
  const afterShowTill = await authoriseCustomer(t.service.store, 'default', later, new Date(Date.now() + 7_200_000));
  assert.ok(afterShowTill.ok);
  assert.deepEqual(afterShowTill.value.messages, []);
});

test('FAQ 3: "the customer\'s phone number will be replaced with the new number if the new number does not belong to another customer and the points will be accrued"', async () => {
  const id = freshId();
  const [oldPhone, newPhone] = [freshPhone(), freshPhone()];
  await api.addAndSettle([item({ uniqId: id, phone: oldPhone })]);
  const outcome = await api.addAndSettle([item({ uniqId: id, phone: newPhone, amount: 70 })]);
  assert.equal(resultOf(outcome).status, 'Success');
  const account = (await api.account(id)).body;
  assert.deepEqual([account.phone, account.balance], [newPhone, 70]);
});

test('FAQ 3: "Otherwise the new phone number will not be replaced and no points will be accrued"', async () => {
  const [id, other] = [freshId(), freshId()];
  const [ownPhone, othersPhone] = [freshPhone(), freshPhone()];
  await api.addAndSettle([item({ uniqId: id, phone: ownPhone }), item({ uniqId: other, phone: othersPhone })]);
  const outcome = await api.addAndSettle([item({ uniqId: id, phone: othersPhone, amount: 70 })]);
  assert.equal(resultOf(outcome).status, 'Failure');
  assert.equal(resultOf(outcome).error.typeOfError, 'phoneBelongsToOtherCustomer');
  const account = (await api.account(id)).body;
  assert.deepEqual([account.phone, account.balance], [ownPhone, 0]);
  assert.equal(await balanceOf(other), 0);
});

test('FAQ 4: "Will a new customer be created if a new unique ID is passed, while the phone number passed belongs to an already created customer? No … No accrual will be made to any customer."', async () => {
  const [owner, newcomer] = [freshId(), freshId()];
  const phone = freshPhone();
  await api.addAndSettle([item({ uniqId: owner, phone })]);
  const outcome = await api.addAndSettle([item({ uniqId: newcomer, phone, amount: 30 })]);
  assert.equal(resultOf(outcome).error.typeOfError, 'phoneBelongsToOtherCustomer');
  assert.equal((await api.account(newcomer)).status, 404);
  assert.equal(await balanceOf(owner), 0);
});

test('FAQ 5: "If I pass the new email address for the previously created customer, will the email address be updated? Yes, it will (even if it is the same email address as the other customer\'s)"', async () => {
  const [id, other] = [freshId(), freshId()];
  const shared = `${other}@mail.ru`;
  await api.addAndSettle([item({ uniqId: id, email: `${id}@mail.ru` }), item({ uniqId: other, email: shared })]);
  const outcome = await api.addAndSettle([item({ uniqId: id, email: shared, amount: 1 })]);
  assert.equal(resultOf(outcome).status, 'Success');
  assert.equal((await api.account(id)).body.email, shared);
  assert.equal((await api.account(other)).body.email, shared);
});

test('FAQ 6: "execute the set of commands getBonusOperationExt … limited by the type of operation \'Accrual of bonuses\'" and compare with what was sent', async () => {
  // A workspace of its own, so the period holds exactly this test's operations.
  await createWorkspace(t.service.store, 'faq6');
  const partner = bonusClient(t.service.url, (await createApiKey(t.service.store, 'faq6', 'test')).key);
  const from = new Date(Date.now() - 1000).toISOString();
  const taken = freshPhone();
  await partner.addAndSettle([item({ uniqId: freshId('holder'), phone: taken })]);
  const sent = [
    item({ uniqId: freshId(), amount: 100.25 }),
    item({ uniqId: freshId(), amount: 50 }),
    item({ uniqId: freshId(), phone: taken, amount: 1000 }), // reason b): a phone that belongs to another customer
  ];
  const outcome = await partner.addAndSettle(sent);
  assert.deepEqual(outcome.results.map((r: any) => r.status), ['Success', 'Success', 'Failure']);

  const query = { operationTypes: ['Accrual of bonuses'], dateFrom: from, dateTo: new Date(Date.now() + 1000).toISOString(), limit: 1 };
  const pages = [];
  let afterId: number | null = 0;
  while (afterId !== null) {
    const page: any = (await partner.operations({ ...query, afterId })).body;
    assert.deepEqual(page.total, { count: 2, amount: 150.25 });
    pages.push(...page.operations);
    afterId = page.nextAfterId;
  }
  assert.equal(pages.reduce((sum, o) => sum + o.amount, 0), 100.25 + 50 + 1000 - 1000);
  // Each operation names its command and item (the audit trail).
  assert.deepEqual(
    pages.map((o) => [o.type, o.typeName, o.amount, o.commandId, o.itemNo, o.guid]),
    [
      ['accrual', 'Accrual of bonuses', 100.25, outcome.commandId, 0, sent[0]!.guid],
      ['accrual', 'Accrual of bonuses', 50, outcome.commandId, 1, sent[1]!.guid],
    ],
  );
});

test('balances and totals past 1e11 keep their last decimal: the ledger is numeric, and the answers are not rounded to doubles', async () => {
  const id = freshId();
  const sum = '599999999999.0003';
  // The nearest double prints as 599999999999.0002: without that, this test could not fail.
  assert.notEqual(String(Number(sum)), sum);
  const items = Array.from({ length: 599 }, () => item({ uniqId: id, amount: '999999999.9999' }));
  await api.addAndSettle([...items, item({ uniqId: id, amount: 999999999.0602 })]);
  assert.match((await api.account(id)).text, new RegExp(`"balance":${sum}[,}]`));
  assert.match((await api.authorise(id)).text, new RegExp(`"balance":${sum}[,}]`));
  assert.match((await t.get(`/v1/customers/bonus:${id}`)).text, new RegExp(`"balance":${sum}[,}]`), 'the profile shows the same balance');
  const operations = await api.operations({ uniqId: id, operationTypes: ['Accrual of bonuses'], limit: 2 });
  assert.match(operations.text, new RegExp(`"total":\\{"count":600,"amount":${sum}\\}`));
  // each operation's amount still reads as the number sent
  assert.deepEqual(operations.body.operations.map((o: { amount: number }) => o.amount), [999999999.9999, 999999999.9999]);
});

test('FAQ 7: "Will a new customer be created if a not unique email address is passed …? No, it will not be created. Points will be accrued to the customer whom email address will be found."', async () => {
  const [owner, newcomer] = [freshId(), freshId()];
  const email = `${owner}@mail.ru`;
  await api.addAndSettle([item({ uniqId: owner, email })]);
  const outcome = await api.addAndSettle([item({ uniqId: newcomer, email: email.toUpperCase(), amount: 40, message: 'for the owner' })]);
  assert.deepEqual([resultOf(outcome).status, resultOf(outcome).customer], ['Success', owner]);
  assert.equal((await api.account(newcomer)).status, 404);
  assert.deepEqual([(await api.account(owner)).body.balance, (await api.account(owner)).body.status], [40, 'Active']);
  const [operation] = (await api.operations({ uniqId: owner })).body.operations;
  assert.deepEqual([operation.login, operation.requestedLogin], [owner, newcomer]);
});

test('FAQ 7 when several customers share the e-mail (FAQ 5 allows it): nobody can be chosen, so nothing is accrued', async () => {
  const [a, b, newcomer] = [freshId(), freshId(), freshId()];
  const email = `${a}@shared.ru`;
  // A new customer with a known e-mail is not created (FAQ 7), so b gets the e-mail by an update (FAQ 5).
  await api.addAndSettle([item({ uniqId: a, email }), item({ uniqId: b, email: `${b}@mail.ru` })]);
  await api.addAndSettle([item({ uniqId: b, email })]);
  const outcome = await api.addAndSettle([item({ uniqId: newcomer, email, amount: 40 })]);
  assert.equal(resultOf(outcome).error.typeOfError, 'ambiguousEmail');
  assert.deepEqual([await balanceOf(a), await balanceOf(b)], [0, 0]);
});

test('a repeated guid never accrues twice, across commands', async () => {
  const id = freshId();
  const once = item({ uniqId: id, amount: 25 });
  await api.addAndSettle([once]);
  const again = await api.addAndSettle([once]);
  assert.equal(resultOf(again).error.typeOfError, 'duplicateGuid');
  assert.equal(await balanceOf(id), 25);
});

test('the bonus balance and status are part of the customer profile (GET /v1/customers/bonus:<uniqId>)', async () => {
  const id = freshId();
  await api.addAndSettle([item({ uniqId: id, amount: 12.5 })]);
  const profile = await t.get(`/v1/customers/bonus:${id}`);
  assert.equal(profile.status, 200);
  assert.equal(profile.body.source, 'bonus');
  assert.deepEqual([profile.body.bonus.status, profile.body.bonus.balance], ['Active', 12.5]);
  const outcome = await api.addAndSettle([item({ uniqId: id, amount: 1 })]);
  assert.equal(resultOf(outcome).status, 'Success');
});

test("a bonus account's phone and e-mail reach its profile through the event log, so lookups find it", async () => {
  const id = freshId();
  const phone = freshPhone();
  await api.addAndSettle([item({ uniqId: id, phone, email: `${id}@mail.ru` })]);
  const byPhone = await t.get(`/v1/customers?phone=${encodeURIComponent(phone)}`);
  assert.equal(byPhone.status, 200);
  assert.deepEqual(byPhone.body.customers.map((c: { customerKey?: string; key?: string; id?: string }) => c.customerKey ?? c.key ?? c.id), [`bonus:${id}`]);
  const history = await t.get(`/v1/customers/bonus:${id}/events`);
  assert.deepEqual(history.body.events.map((e: { eventCode: string }) => e.eventCode), ['bonus.accountChanged']);
  // Accruals to an active account change no identity or status: no new profile event.
  await api.addAndSettle([item({ uniqId: id, amount: 3 })]);
  const afterFirst = (await t.get(`/v1/customers/bonus:${id}/events`)).body.events.length;
  await api.addAndSettle([item({ uniqId: id, amount: 4 })]);
  assert.equal((await t.get(`/v1/customers/bonus:${id}/events`)).body.events.length, afterFirst);
});

test("another workspace's key neither sees nor credits this workspace's customers", async () => {
  const id = freshId();
  await api.addAndSettle([item({ uniqId: id, amount: 5 })]);
  await createWorkspace(t.service.store, 'bonus-other');
  const otherKey = (await createApiKey(t.service.store, 'bonus-other', 'test')).key;
  assert.equal((await api.account(id, otherKey)).status, 404);
  assert.deepEqual((await api.operations({ uniqId: id }, otherKey)).body.operations, []);
  const other = bonusClient(t.service.url, otherKey);
  const answer = await other.add([item({ uniqId: id, amount: 7 })]);
  await other.settled(answer.body.commandId);
  assert.equal(await balanceOf(id), 5);
  assert.equal((await other.account(id)).body.balance, 7);
});
