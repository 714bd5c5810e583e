import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capillarySeedExamples, inForm, toFlat, type EnvelopeForm } from '../../../test/fixtures/capillary/index.ts';
import { parseCapillaryBody, parseCapillaryEvent, MAX_EVENTS_PER_REQUEST } from './parse.ts';
import { capillaryToCanonical, timeOf } from './to-canonical.ts';

const delivery = { workspaceId: 'default', receivedAt: '2026-01-01T00:00:00.000Z' };
const FORMS: EnvelopeForm[] = ['flat', 'attributes', 'wrapped'];
const example = (name: string) => capillarySeedExamples.find((e) => e.name === name)!;
const canonical = (value: unknown) => {
  const parsed = parseCapillaryEvent(value);
  assert.ok(parsed.ok, parsed.ok ? '' : `${parsed.error.code}: ${parsed.error.reason}`);
  return capillaryToCanonical(parsed.value, delivery);
};
const rejectOf = (value: unknown) => {
  const parsed = parseCapillaryEvent(value);
  assert.ok(!parsed.ok, 'expected a reject');
  return parsed.error;
};

test('every seed example parses as shown, and maps to the same canonical event in every envelope form', () => {
  for (const e of capillarySeedExamples) {
    const asShown = canonical(JSON.parse(e.body));
    assert.equal(asShown.eventCode, e.eventName, e.name);
    for (const form of FORMS) {
      const other = canonical(inForm(toFlat(e), form));
      assert.equal(other.eventId, asShown.eventId, `${e.name} as ${form}`);
      assert.deepEqual(other.change, asShown.change, `${e.name} as ${form}`);
      assert.equal(other.customer.key, asShown.customer.key);
    }
  }
});

test('the event id derives from Capillary eventId and the workspace only', () => {
  const e = JSON.parse(example('customerAdded.flat').body);
  const a = canonical(e);
  const b = canonical({ ...e, data: { ...e.data, firstName: 'changed' } });
  assert.equal(a.eventId, b.eventId, 'a retry with a changed body is still the same event');
  assert.notEqual(canonical({ ...e, eventId: 'other' }).eventId, a.eventId);
  assert.equal(a.identityBasis, 'natural');
  assert.equal(a.messageId, 'QFURQB');
});

test('customerUpdated: fields by type, reported changes, status, and every identifier per channel', () => {
  const event = canonical(JSON.parse(example('customerUpdated.wrapped').body));
  assert.equal(event.customer.key, 'capillary:12345');
  assert.equal(event.change.kind, 'profileDetailsChanged');
  if (event.change.kind !== 'profileDetailsChanged') return;
  const field = (type: string, name: string) => event.change.kind === 'profileDetailsChanged' && event.change.fields.filter((f) => f.type === type && f.name === name).at(-1)?.value;
  assert.equal(field('standard', 'firstName'), 'John');
  assert.equal(field('standard', 'status'), 'Active');
  assert.equal(field('custom', 'MembershipLevel'), 'Gold');
  assert.equal(field('extended', 'PreferredLanguage'), 'English');
  assert.equal(field('extended', 'gender'), 'Male', 'a reported change is the newest value');
  assert.deepEqual(
    event.change.fieldChanges.map((c) => [c.type, c.name, c.previousValue, c.currentValue]),
    [
      ['extended', 'gender', 'Female', 'Male'],
      ['extended', 'dob', 'Tue Mar 04 00:00:00 GMT 2025', 'Tue Mar 04 15:27:00 GMT 2025'],
      ['standard', 'status', 'Inactive', 'Active'],
    ],
  );
  const ids = event.change.identifiers.map((i) => `${i.channel}/${i.kind}/${i.value}${i.single ? '!' : ''}`);
  for (const expected of [
    'instore/phone/9876543210!',
    'instore/email/[email protected]!',
    'instore/externalId/EXT_CUST_001!',
    'instore/card/CARD_12345',
    'instore/card/CARD_67890',
    'instore/cardExternalId/CARD_EXT_001!',
    'instore/accountId/5678!',
    'facebook/accountId/FACEBOOK_123',
    'facebook/phone/9876543210',
    'toabao/accountId/TAOBAO_001',
    'line/accountId/LINE_001',
    'web_engage/accountId/WEBENG_001',
  ]) {
    assert.ok(ids.includes(expected), `${expected} in ${ids.join(', ')}`);
  }
  assert.equal(ids.filter((i) => i === 'instore/card/CARD_12345').length, 1, 'cardnumber and cardNumbers are one card');
});

test('the PII deletion becomes an erasure whose logged payload holds no personal data', () => {
  const event = canonical(JSON.parse(example('customerUpdated.pii-deletion.attributes').body));
  assert.deepEqual(event.change, { kind: 'personalDataErased', reason: 'User marked deleted using request feature' });
  assert.equal(event.customer.key, 'capillary:622372905');
  const logged = JSON.stringify(event.payload);
  for (const personal of ['AAQA', 'Test033', 'GT000043043', '石川', '8067944474', 'email']) assert.ok(!logged.includes(personal), personal);
  assert.equal((event.payload as any).customerStatus.currentLabel, 'Deleted');
});

test('group events are addressed to the member they are about and name the others', () => {
  const added = canonical(JSON.parse(example('groupMemberAdded.flat').body));
  assert.equal(added.customer.key, 'capillary:3970');
  assert.ok(added.change.kind === 'groupChanged' && added.change.action === 'memberAdded');
  assert.deepEqual(added.change.members.map((m) => [m.customer.key, m.position, m.role]), [['capillary:7098', 'primary', 'EXWCSHZCE'], ['capillary:3970', 'added', 'PIXKILY']]);
  assert.equal(added.streamKey, 'capillary:3970|group|5322');

  const points = canonical(JSON.parse(example('pointsContributionToGroup.flat').body));
  assert.ok(points.change.kind === 'groupPointsContributed');
  assert.equal(points.customer.key, 'capillary:6560');
  assert.equal(points.change.points, 446.36640823491007);
  assert.equal(points.change.loyaltyProgramId, '3583');
  assert.equal((points.change.loyaltyProgram as any).name, 'XXYMNPPPF');
});

test('a body is one event, an array of events, or { events: [...] }', () => {
  const one = JSON.parse(example('groupCreated.flat').body);
  const two = JSON.parse(example('groupUpdated.flat').body);
  for (const body of [JSON.stringify([one, two]), JSON.stringify({ events: [one, two] })]) {
    const parsed = parseCapillaryBody(body);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value.map((r) => r.ok && r.value.name), ['groupCreated', 'groupUpdated']);
  }
  const single = parseCapillaryBody(Buffer.from(`\ufeff${JSON.stringify(one)}`));
  assert.ok(single.ok && single.value.length === 1 && single.value[0]!.ok);
});

test('bad bodies and bad events get a specific reason', () => {
  const codeOf = (body: string) => {
    const parsed = parseCapillaryBody(body);
    assert.ok(!parsed.ok);
    return parsed.error.code;
  };
  assert.equal(codeOf(''), 'empty_body');
  assert.equal(codeOf('{"eventName":'), 'invalid_json');
  assert.equal(codeOf('[]'), 'empty_batch');
  assert.equal(codeOf(JSON.stringify(Array.from({ length: MAX_EVENTS_PER_REQUEST + 1 }, () => ({})))), 'too_many_events');

  const good = JSON.parse(example('customerAdded.flat').body);
  assert.equal(rejectOf(42).code, 'not_an_object');
  assert.equal(rejectOf({ ...good, eventName: 'pointsRedeemed' }).code, 'unknown_event');
  assert.equal(rejectOf({ ...good, eventId: '' }).code, 'missing_event_id');
  assert.equal(rejectOf({ ...good, eventId: undefined }).code, 'missing_event_id');
  assert.equal(rejectOf({ ...good, eventName: undefined }).code, 'missing_event_name');
  assert.equal(rejectOf({ ...good, data: 'x' }).code, 'missing_data');
  const noCustomer = rejectOf({ ...good, data: { ...good.data, customerIdentifiers: { instore: {} } } });
  assert.equal(noCustomer.code, 'invalid_event');
  assert.match(noCustomer.reason, /customerIdentifiers\/customerId/);
  assert.equal(rejectOf({ ...good, data: { ...good.data, lastName: 'a\u0000b' } }).code, 'unstorable_text');
  assert.equal(rejectOf({ ...good, data: { ...good.data, lastName: 'a\ud800b' } }).code, 'unstorable_text');
  let deep: unknown = 'bottom';
  for (let i = 0; i < 40; i++) deep = { deep };
  assert.equal(rejectOf({ ...good, data: { ...good.data, extra: deep } }).code, 'too_deep');
  const badChannel = rejectOf({ ...good, data: { ...good.data, customerIdentifiers: { customerId: 1, kakao: { accounts: [{ accountId: 'x'.repeat(300) }] } } } });
  assert.equal(badChannel.code, 'invalid_event');
  assert.match(badChannel.reason, /kakao/);
  assert.equal(rejectOf({ ...good, data: { ...good.data, customerIdentifiers: { customerId: 1, instore: { mobile: 'x'.repeat(300) } } } }).code, 'invalid_event');
  const points = JSON.parse(example('pointsContributionToGroup.flat').body);
  assert.equal(rejectOf({ ...points, data: { ...points.data, pointsContributedToGroup: 'lots' } }).code, 'invalid_event');
});

test('createdAt is milliseconds, or seconds when too small to be milliseconds', () => {
  assert.equal(timeOf(1683874799971), '2023-05-12T06:59:59.971Z');
  assert.equal(timeOf(1693334444), '2023-08-29T18:40:44.000Z');
  assert.equal(timeOf('1693334444'), '2023-08-29T18:40:44.000Z');
  assert.equal(timeOf('2025-03-04T15:27:00Z'), '2025-03-04T15:27:00.000Z');
  assert.equal(timeOf(1e20), null);
  assert.equal(timeOf('soon'), null);
  // ISO 8601 only, and a time without a zone is UTC whatever the process's zone
  assert.equal(timeOf('March 7'), null);
  assert.equal(timeOf('2024-01-01T10:00:00'), '2024-01-01T10:00:00.000Z');
  assert.equal(timeOf('2024-01-01 10:00:00+07:00'), '2024-01-01T03:00:00.000Z');
  assert.equal(timeOf(null), null);
});

test('an identifier sent as a number too large to be read exactly is refused with its path; card_number (the parameter table spelling) is a card', () => {
  const flat = toFlat(example('customerAdded.attributes'));
  const body = (instore: Record<string, unknown>, customerId: unknown = 90200) =>
    JSON.parse(JSON.stringify({ ...flat, data: { ...flat.data, customerIdentifiers: { customerId, instore } } }).replace('"__BIG__"', '6274518800012345678'));
  const card = rejectOf(body({ cardnumber: '__BIG__' }));
  assert.equal(card.code, 'invalid_event');
  assert.match(card.reason, /data\/customerIdentifiers\/instore\/cardnumber: 6274518800012345000 is too large .* send it as a string/);
  assert.match(rejectOf(body({}, '__BIG__')).reason, /customerIdentifiers\/customerId: .* too large/);
  const exact = canonical(body({ cardnumber: '6274518800012345678', mobile: 62823960922 }));
  assert.ok(exact.change.kind === 'profileDetailsChanged');
  const values = exact.change.identifiers.map((i) => `${i.kind}=${i.value}`);
  assert.ok(values.includes('card=6274518800012345678') && values.includes('phone=62823960922'), values.join(' '));
  const aliased = canonical(body({ card_number: 'C-77' }));
  assert.ok(aliased.change.kind === 'profileDetailsChanged' && aliased.change.identifiers.some((i) => i.kind === 'card' && i.value === 'C-77'));
});
