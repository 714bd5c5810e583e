import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CanonicalEvent, CustomerRef, GroupMember, GroupRef } from '../events/canonical.ts';
import { keysNamedBy, redactedOrStub, withoutErasedPersonalData, withoutQuotedValues } from './redact-failed-event.ts';

// What a failed event keeps once a customer it names is erased: what a
// retry would still write for them, and nothing clearSourceIds took.
const ref = (id: number): CustomerRef => ({
  key: `loymax:${id}`,
  source: 'loymax',
  externalId: String(id),
  uid: `uid-of-${id}`,
  code: `code-of-${id}`,
  accountGroupId: null,
  identifierId: `identifier-of-${id}`,
  mobileDeviceId: `device-of-${id}`,
  applicationId: `app-of-${id}`,
});
const bare = (id: number): CustomerRef => ({ ...ref(id), uid: null, code: null, identifierId: null, mobileDeviceId: null, applicationId: null });
const event = (addressee: number, change: CanonicalEvent['change']): CanonicalEvent => ({
  eventId: 'e1',
  identityBasis: 'message',
  redelivered: false,
  source: 'loymax',
  routingKey: null,
  eventCode: 'Something',
  customer: ref(addressee),
  streamKey: `loymax:${addressee}`,
  bodyHash: 'h',
  messageId: null,
  occurredAt: null,
  receivedAt: '2026-11-22T00:00:00.000Z',
  payload: { body: 'of the sender' },
  change,
});
const member = (id: number, position: GroupMember['position']): GroupMember => ({
  customer: ref(id),
  role: null,
  position,
  identifiers: [{ channel: 'instore', kind: 'phone', value: `phone-of-${id}`, single: true }],
});
const group: GroupRef = { groupId: '7', name: 'Family' };

test("an erased addressee keeps only the bare key of its reference, not the source's other ids", () => {
  const redacted = withoutErasedPersonalData(event(1, { kind: 'registration', step: 'started' }), new Set(['loymax:1']));
  assert.deepEqual(redacted.customer, bare(1));
  assert.equal(redacted.payload, null);
  const untouched = withoutErasedPersonalData(event(1, { kind: 'registration', step: 'started' }), new Set(['loymax:2']));
  assert.deepEqual(untouched.customer, ref(1));
});

test('an erased group member keeps its bare key; the other members keep theirs whole', () => {
  const change: CanonicalEvent['change'] = { kind: 'groupChanged', action: 'memberAdded', group, members: [member(1, 'primary'), member(2, 'added')] };
  const redacted = withoutErasedPersonalData(event(2, change), new Set(['loymax:1']));
  assert.ok(redacted.change.kind === 'groupChanged');
  assert.deepEqual(redacted.change.members.map((m) => [m.customer, m.identifiers.length]), [[bare(1), 0], [ref(2), 1]]);
});

test('a merge into an erased profile keeps the bare key of its target', () => {
  const redacted = withoutErasedPersonalData(event(1, { kind: 'profilesMerged', into: ref(2) }), new Set(['loymax:2']));
  assert.deepEqual(redacted.change, { kind: 'profilesMerged', into: bare(2) });
  assert.deepEqual(redacted.customer, ref(1), 'the merged profile is not erased');
  assert.deepEqual(keysNamedBy(event(1, { kind: 'profilesMerged', into: ref(2) })), ['loymax:1', 'loymax:2']);
});

test('a malformed group event: its keys are read without throwing, and redacting it leaves only a stub', () => {
  const malformed = event(1, { kind: 'groupChanged', action: 'memberAdded', group, members: { phone: '+7 912' } as unknown as GroupMember[] });
  assert.deepEqual(keysNamedBy(malformed), ['loymax:1']);
  assert.deepEqual(redactedOrStub('loymax:1', malformed, new Set(['loymax:1'])), { eventCode: 'Something', customer: { key: 'loymax:1' }, notRedactable: true });
});

test('quoted values leave the reason of a failure; its shape stays', () => {
  assert.equal(withoutQuotedValues('invalid input syntax for type integer: "Erika Mustermann"'), 'invalid input syntax for type integer: "…"');
  // PostgreSQL does not escape a quote inside the value
  assert.equal(withoutQuotedValues('invalid input syntax for type json: "say "hi" Erika"'), 'invalid input syntax for type json: "…"');
  assert.equal(withoutQuotedValues('Cannot read properties of undefined'), 'Cannot read properties of undefined');
});
