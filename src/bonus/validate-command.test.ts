import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateAddItem, validateCommand, validateCustomerRef } from './validate-command.ts';
import { parseDateTime } from './validate-fields.ts';
import { seedExampleItem } from '../../test/fixtures/bonus/seed-example.ts';

const example = seedExampleItem;

const errorOf = (item: Record<string, unknown>) => validateAddItem(item).result.error;

test("the seed's example passes and keeps every field", () => {
  const verdict = validateAddItem(example);
  assert.deepEqual(verdict.result, { login: '12345678', guid: example.guid, status: 'Success', error: null });
  assert.deepEqual(verdict.queued, {
    kind: 'add',
    item: {
      guid: example.guid,
      uniqId: '12345678',
      phone: null,
      email: null,
      accrual: {
        amount: '200',
        info: null,
        eventId: '123456',
        eventDate: '2014-12-31T21:00:00.000Z',
        eventType: 'operation',
        operationType: 'purchase',
        operationAmount: '100',
        merchantName: 'TZUM',
        bankProduct: 'Gold card',
        mcc: 'Petrol station',
      },
      message: { text: 'Message for customer', showCount: 3, showTill: '2019-10-23T18:25:43.511Z' },
    },
  });
});

test('1.1.1: a command that is not JSON is refused whole', () => {
  const result = validateCommand('{"add":[{"uniqId":"1"}');
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.error.typeOfError, 'invalidJson');
  assert.equal(validateCommand('[1,2]').ok, false);
  assert.equal(validateCommand('').ok, false);
});

test('a command without a known typeOfCommand or without items is refused whole', () => {
  const noType = validateCommand('{"add":[]}');
  assert.equal(!noType.ok && noType.error.typeOfError, 'requiredParameterMissing');
  const unknown = validateCommand('{"add":[],"typeOfCommand":"addBonus"}');
  assert.equal(!unknown.ok && unknown.error.typeOfError, 'wrongParam');
  const noItems = validateCommand('{"typeOfCommand":"addCustomerPointMessage"}');
  assert.equal(!noItems.ok && noItems.error.typeOfError, 'requiredParameterMissing');
  const tooMany = validateCommand(JSON.stringify({ typeOfCommand: 'addCustomerPointMessage', add: Array.from({ length: 10_001 }, () => example) }));
  assert.equal(!tooMany.ok && tooMany.error.typeOfError, 'tooManyItems');
});

test('each item gets its own verdict, in order', () => {
  const result = validateCommand(JSON.stringify({ typeOfCommand: 'addCustomerPointMessage', add: [example, { ...example, email: 'nope' }, 7] }));
  assert.ok(result.ok && 'verdicts' in result.value);
  assert.deepEqual(
    result.value.verdicts.map((v) => v.result.status),
    ['Success', 'Failure', 'Failure'],
  );
  assert.equal(result.value.verdicts[2]!.queued, null);
});

test('1.1.2: uniqId and guid are required', () => {
  assert.equal(errorOf({ ...example, uniqId: undefined })?.typeOfError, 'requiredParameterMissing');
  assert.equal(errorOf({ ...example, uniqId: '' })?.typeOfError, 'requiredParameterMissing');
  assert.equal(errorOf({ ...example, guid: null })?.typeOfError, 'requiredParameterMissing');
  assert.equal(errorOf({ ...example, guid: 'not-a-guid' })?.typeOfError, 'dataNotValid');
  // A numeric uniqId is taken as its digits.
  assert.equal(validateAddItem({ ...example, uniqId: 12345678 }).result.login, '12345678');
});

test('1.1.3: the e-mail must be an e-mail address (FAQ 5)', () => {
  for (const bad of ['plain', 'a@b', 'a b@c.ru', '@mail.ru', 'a@.ru', 'a@mail.ru.', 42]) {
    assert.equal(errorOf({ ...example, email: bad })?.typeOfError, 'dataNotValid', String(bad));
  }
  for (const good of ['test@email.ru', 'First.Last+tag@sub.example.com']) assert.equal(errorOf({ ...example, email: good }), null, good);
});

test('1.1.3: the phone must be "+" and 11 to 15 digits', () => {
  for (const bad of ['+7925744354', '79257443549', '+7 925 744 35 49', '+7(925)7443549', '+7925744354912345', 79257443549]) {
    assert.equal(errorOf({ ...example, phone: bad })?.typeOfError, 'dataNotValid', String(bad));
  }
  assert.equal(errorOf({ ...example, phone: '+79257443549' }), null);
});

test('1.1.3: enumerated strings must hold one of their values', () => {
  const eventType = errorOf({ ...example, eventType: 'purchase' });
  assert.equal(eventType?.typeOfError, 'wrongParam');
  assert.match(eventType!.description, /eventType must be one of operation, event/);
  assert.equal(errorOf({ ...example, operationType: 'theft' })?.typeOfError, 'wrongParam');
});

test('1.1.3: empty decimals must be passed as 0', () => {
  for (const empty of [null, '']) {
    const error = errorOf({ ...example, amount: empty });
    assert.equal(error?.typeOfError, 'dataNotValid');
    assert.match(error!.description, /amount is empty: an empty decimal must be passed as 0/);
    assert.match(errorOf({ ...example, operationAmount: empty })!.description, /operationAmount is empty/);
  }
  assert.equal(validateAddItem({ ...example, amount: 0 }).result.status, 'Success');
});

test('decimals: not negative, at most 4 fraction digits, numbers or numeric strings', () => {
  for (const bad of [-1, '1e5', 'abc', 1.23456, '1,5', true]) assert.equal(errorOf({ ...example, amount: bad })?.typeOfError, 'dataNotValid', String(bad));
  const item = validateAddItem({ ...example, amount: '0150.2500' }).queued;
  assert.equal(item?.kind === 'add' && item.item.accrual?.amount, '150.25');
});

test('3.5: without an amount (or with 0) the amount-dependent fields are ignored, not checked', () => {
  for (const amount of [undefined, 0]) {
    const verdict = validateAddItem({ ...example, amount, eventType: 'not-checked', operationAmount: null, info: 'dropped' });
    assert.equal(verdict.result.status, 'Success');
    assert.equal(verdict.queued?.kind === 'add' && verdict.queued.item.accrual, null);
    // FAQ 1: the message stays.
    assert.equal(verdict.queued?.kind === 'add' && verdict.queued.item.message?.text, 'Message for customer');
  }
});

test('a message defaults to one showing and no end date; showCount and showTill are checked', () => {
  const verdict = validateAddItem({ uniqId: '1', guid: example.guid, message: 'Hello' });
  assert.deepEqual(verdict.queued?.kind === 'add' && verdict.queued.item.message, { text: 'Hello', showCount: 1, showTill: null });
  assert.equal(errorOf({ ...example, showCount: 0 })?.typeOfError, 'dataNotValid');
  assert.equal(errorOf({ ...example, showCount: 2.5 })?.typeOfError, 'dataNotValid');
  assert.equal(errorOf({ ...example, showTill: 'tomorrow' })?.typeOfError, 'dataNotValid');
});

test('every problem of an item is described; the first decides typeOfError', () => {
  const error = errorOf({ ...example, email: 'x', phone: '1' });
  assert.equal(error?.typeOfError, 'dataNotValid');
  assert.match(error!.description, /phone .*; email /);
});

test('block and activate items name a customer by uniqId, phone or e-mail', () => {
  assert.equal(validateCustomerRef({ phone: '+79257443549' }, 'block').result.login, '+79257443549');
  assert.equal(validateCustomerRef({}, 'block').result.error?.typeOfError, 'requiredParameterMissing');
  assert.equal(validateCustomerRef({ email: 'bad' }, 'activate').result.error?.typeOfError, 'dataNotValid');
});

test('getBonusOperationExt: accrual by code or by the seed\'s name, a period, a page', () => {
  const result = validateCommand(
    JSON.stringify({ typeOfCommand: 'getBonusOperationExt', uniqId: '1', operationTypes: ['Accrual of bonuses'], dateFrom: '2024-01-01', limit: 10 }),
  );
  assert.ok(result.ok && 'query' in result.value);
  assert.deepEqual(result.value.query, { customer: { uniqId: '1', phone: null, email: null }, kinds: ['accrual'], from: '2024-01-01T00:00:00.000Z', to: null, limit: 10, afterId: 0 });
  const bad = validateCommand(JSON.stringify({ typeOfCommand: 'getBonusOperationExt', operationTypes: ['withdrawal'] }));
  assert.equal(!bad.ok && bad.error.typeOfError, 'wrongParam');
});

test('date-times: the offsets the seed writes, and impossible dates refused', () => {
  assert.equal(parseDateTime('2015-01-01T00:00:00+03'), '2014-12-31T21:00:00.000Z');
  assert.equal(parseDateTime('2015-01-01T00:00:00+0330'), '2014-12-31T20:30:00.000Z');
  assert.equal(parseDateTime('2015-01-01T00:00:00-05:00'), '2015-01-01T05:00:00.000Z');
  assert.equal(parseDateTime('2019-10-23T18:25:43.511Z'), '2019-10-23T18:25:43.511Z');
  assert.equal(parseDateTime('2015-02-30T00:00:00Z'), null);
  assert.equal(parseDateTime('2015-01-01T25:00:00Z'), null);
});

test('date-times: years below 100 are those years (not 19xx), from year 1 on', () => {
  assert.equal(parseDateTime('0050-03-01T10:00:00Z'), '0050-03-01T10:00:00.000Z');
  assert.equal(parseDateTime('0099-12-31'), '0099-12-31T00:00:00.000Z');
  assert.equal(parseDateTime('0001-01-01T03:00:00+03:00'), '0001-01-01T00:00:00.000Z');
  assert.equal(parseDateTime('0001-01-01T02:59:59+03:00'), null);
  assert.equal(parseDateTime('0000-06-01T00:00:00Z'), null);
});

test('date-times: offsets no zone has, and times beyond year 9999 in UTC, are refused at once (they would fail the whole command later)', () => {
  assert.equal(parseDateTime('2019-02-28T10:00:00+25:00'), null);
  assert.equal(parseDateTime('2019-02-28T10:00:00+03:99'), null);
  assert.equal(parseDateTime('2019-02-28T10:00:00+14:00'), '2019-02-27T20:00:00.000Z');
  assert.equal(parseDateTime('9999-12-31T23:59:59-03:00'), null);
  assert.equal(parseDateTime('9999-12-31T20:59:59-03:00'), '9999-12-31T23:59:59.000Z');
  assert.equal(errorOf({ ...example, eventDate: '9999-12-31T23:59:59-03:00' })?.typeOfError, 'dataNotValid');
});

test('1.1.3: a NUL character in a text field fails that item at once, instead of sinking its command later', () => {
  assert.equal(errorOf({ ...example, message: 'hi\u0000there' })?.typeOfError, 'dataNotValid');
  assert.equal(errorOf({ ...example, uniqId: 'a\u0000b' })?.typeOfError, 'dataNotValid');
});

test('1.1.3: an unpaired UTF-16 surrogate (broken text) fails that item at once; the answer echoes it made storable', () => {
  const broken = errorOf({ ...example, message: 'bad \ud800 surrogate' });
  assert.equal(broken?.typeOfError, 'dataNotValid');
  assert.match(broken!.description, /message contains an unpaired UTF-16 surrogate/);
  assert.equal(errorOf({ ...example, message: 'a pair \ud83d\ude00 is fine' }), null);
  const verdict = validateCustomerRef({ uniqId: 'zz\udc00' }, 'block');
  assert.equal(verdict.queued, null);
  assert.equal(verdict.result.login, 'zz\ufffd');
});
