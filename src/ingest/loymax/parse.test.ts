import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLoymaxMessage } from './parse.ts';
import { parseLenientJson } from './lenient-json.ts';
import { loymaxSeedExamples } from '../../../test/fixtures/loymax/index.ts';

test('every seed example parses under its routing key', () => {
  for (const { routingKey, body } of loymaxSeedExamples) {
    const result = parseLoymaxMessage(routingKey, body);
    assert.ok(result.ok, `${routingKey}: ${!result.ok && result.error.reason}`);
    assert.equal(result.value.routingKey, routingKey);
  }
});

test('the trailing comma of the merge example is accepted; other broken JSON is not', () => {
  assert.deepEqual(parseLenientJson('{"a": [1, 2,], "b": "x,}",}'), { ok: true, value: { a: [1, 2], b: 'x,}' }, json: null });
  assert.deepEqual(parseLenientJson('\ufeff{"a": 1}'), { ok: true, value: { a: 1 }, json: '{"a": 1}' });
  const broken = parseLenientJson('{"a": 1');
  assert.equal(broken.ok, false);
});

test('rejections say precisely why', () => {
  const cases: Array<[string | null, string, string, RegExp]> = [
    ['customer.registration.begin', '{oops', 'invalid_json', /not JSON/],
    ['customer.registration.begin', '[1,2]', 'not_an_object', /object/],
    ['customer.registration.begin', '{"customerInfo":{"customerId":1}}', 'missing_event_code', /eventCode/],
    ['customer.registration.begin', '{"eventCode":"OnSomethingElse","customerInfo":{"customerId":1}}', 'unknown_event_code', /OnSomethingElse/],
    ['customer.registration.begin', '{"eventCode":"OnEndRegistration","customerInfo":{"customerId":1}}', 'event_code_mismatch', /customer.registration.finish/],
    ['customer.registration.begin', '{"eventCode":"OnBeginRegistration","customerInfo":{}}', 'invalid_model', /customerId/],
    ['customer.card.changeBlockState', '{"eventCode":"OnBlockCard","customerInfo":{"customerId":1},"cardInfo":{"cardNumber":"1"}}', 'invalid_model', /targetBlockState/],
    [null, '{"eventCode":"Nope"}', 'unknown_event_code', /Nope/],
    // A time that is not one is refused, not replaced by the time the message arrived.
    ['customer.attribute.update', '{"eventCode":"OnCustomerAttributeUpdate","customerInfo":{"customerId":1},"attributeCode":"City","changeDateTime":"yesterday"}', 'invalid_model', /\/changeDateTime: .*date-time/],
    ['purchases.confirm.modelUpdate', '{"eventCode":"OnPurchaseConfirm","customerInfo":{"customerId":1},"purchaseOperationInfo":{"dateTime":"bad","purchaseData":{"purchaseId":5}}}', 'invalid_model', /dateTime: .*date-time/],
    ['customer.card.changeState', '{"eventCode":"OnCardActivation","customerInfo":{"customerId":1},"cardInfo":{"cardNumber":"1","activationDate":"0000-01-01T00:00:00Z"}}', 'invalid_model', /\/cardInfo\/activationDate: .*date-time/],
    // An amount per cheque position must be a number or a decimal text; other text is not read as nothing.
    ['purchases.confirm.modelUpdate', '{"eventCode":"OnPurchaseConfirm","customerInfo":{"customerId":1},"purchaseOperationInfo":{"purchaseData":{"purchaseId":5,"withdraws":[{"amount":1,"positionInfo":{"1":"abc"}}]}}}', 'invalid_model', /withdraws/],
    // A time no calendar has is refused, not rolled over into March.
    ['customer.attribute.update', '{"eventCode":"OnCustomerAttributeUpdate","customerInfo":{"customerId":1},"attributeCode":"City","changeDateTime":"2021-02-30T10:00:00Z"}', 'invalid_model', /\/changeDateTime: .*date-time/],
    // PostgreSQL cannot store these: refused at once, not after N failed store attempts.
    ['customer.registration.begin', '{"eventCode":"OnBeginRegistration","customerInfo":{"customerId":1,"customerUid":"a\\u0000b"}}', 'unstorable_text', /NUL/],
    ['customer.registration.begin', '{"eventCode":"OnBeginRegistration","customerInfo":{"customerId":1},"x":"\\ud800"}', 'unstorable_text', /surrogate/],
    ['customer.registration.begin', `{"eventCode":"OnBeginRegistration","customerInfo":{"customerId":1},"x":${'['.repeat(40)}${']'.repeat(40)}}`, 'too_deep', /deeper/],
  ];
  for (const [key, body, code, reason] of cases) {
    const result = parseLoymaxMessage(key, body);
    assert.equal(result.ok, false, body);
    if (!result.ok) {
      assert.equal(result.error.code, code, body);
      assert.match(result.error.reason, reason);
    }
  }
});

test('a body over the size limit is rejected before it is parsed', () => {
  const result = parseLoymaxMessage('customer.registration.begin', 'x'.repeat(2000), 1000);
  assert.ok(!result.ok && result.error.code === 'too_large');
});

test('without a contract routing key the eventCode decides (a message replayed or sent straight to the queue)', () => {
  const result = parseLoymaxMessage('smc.customerEvents', '{"eventCode":"OnEndRegistration","customerInfo":{"customerId":"7"}}');
  assert.ok(result.ok && result.value.routingKey === 'customer.registration.finish');
});

test('a body that is not UTF-8 (a cp1251 name) is rejected, never stored with replacement characters', () => {
  const seed = loymaxSeedExamples.find((e) => e.routingKey === 'customer.attribute.update')!;
  const json = seed.body.replace(/"newValue"\s*:\s*("[^"]*"|null)/, '"newValue":"XXXX"');
  assert.ok(json.includes('XXXX'), 'the example has a newValue to replace');
  const [before, after] = json.split('XXXX') as [string, string];
  // "Иван" in Windows-1251
  const cp1251 = Buffer.concat([Buffer.from(before), Buffer.from([0xc8, 0xe2, 0xe0, 0xed]), Buffer.from(after)]);
  const rejected = parseLoymaxMessage('customer.attribute.update', cp1251);
  assert.ok(!rejected.ok && rejected.error.code === 'invalid_utf8', JSON.stringify(rejected));
  const utf8 = parseLoymaxMessage('customer.attribute.update', Buffer.concat([Buffer.from(before), Buffer.from('Иван'), Buffer.from(after)]));
  assert.ok(utf8.ok && JSON.stringify(utf8.value).includes('Иван'));
});

test('an id sent as a JSON number too large to be exact is refused, not stored as another card', () => {
  const body = JSON.parse(loymaxSeedExamples.find((e) => e.routingKey === 'customer.card.changeBlockState')!.body);
  body.cardInfo.cardNumber = 9643108503520071; // JSON.parse reads 9643108503520072
  const parsed = parseLoymaxMessage('customer.card.changeBlockState', JSON.stringify(body).replace('9643108503520072', '9643108503520071'));
  assert.ok(!parsed.ok);
  assert.equal(parsed.error.code, 'invalid_model');
  assert.match(parsed.error.reason, /cardNumber/);
  body.cardInfo.cardNumber = Number.MAX_SAFE_INTEGER; // the largest exact one
  assert.ok(parseLoymaxMessage('customer.card.changeBlockState', JSON.stringify(body)).ok);
});

test('the body is kept as sent unless its text could hide what the store cannot read', () => {
  const plain = '{"eventCode":"OnBeginRegistration","customerInfo":{"customerId":1}}';
  const kept = parseLoymaxMessage('customer.registration.begin', Buffer.from(plain));
  assert.ok(kept.ok);
  assert.equal(kept.value.json, plain);
  // A key given twice: JSON.parse keeps the last value, the text both; the NUL it hides must not be stored.
  const hiding = '{"note":"x\\u0000y","note":"ok","eventCode":"OnBeginRegistration","customerInfo":{"customerId":1}}';
  const rewritten = parseLoymaxMessage('customer.registration.begin', Buffer.from(hiding));
  assert.ok(rewritten.ok);
  assert.equal(rewritten.value.json, null);
  // A body handed over as a string may hold a raw lone surrogate (bytes are decoded strictly): refused, as the walk always did.
  const lone = parseLoymaxMessage('customer.registration.begin', '{"note":"\ud800","eventCode":"OnBeginRegistration","customerInfo":{"customerId":1}}');
  assert.equal(lone.ok, false);
  assert.equal(!lone.ok && lone.error.code, 'unstorable_text');
});
