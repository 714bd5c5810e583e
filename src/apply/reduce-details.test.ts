import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capillarySeedExamples, toFlat } from '../../test/fixtures/capillary/index.ts';
import { parseCapillaryEvent } from '../ingest/capillary/parse.ts';
import { capillaryToCanonical } from '../ingest/capillary/to-canonical.ts';
import { reduceDetails } from './reduce-details.ts';
import type { AppliedEvent } from './reduce-segment.ts';

// The pure fold of profile-detail events: what reaches the tables, in
// which order, and what an erasure keeps out.
const flat = (name: string) => toFlat(capillarySeedExamples.find((e) => e.name === name)!);
let seq = 0;
const applied = (value: unknown): AppliedEvent => {
  const parsed = parseCapillaryEvent(value);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.reason);
  const event = capillaryToCanonical(parsed.value, { workspaceId: 'default', receivedAt: '2026-01-01T00:00:00.000Z' });
  return { event, seq: ++seq, targetKey: event.customer.key };
};
const customer = (eventId: string, createdAt: number, mobile: string, firstName: string) => {
  const e = flat('customerAdded.flat');
  return applied({ ...e, eventId, createdAt, data: { firstName, customerIdentifiers: { customerId: 1, instore: { mobile, cardNumbers: [`C-${mobile}`] } } } });
};

test('within a segment the latest time wins for fields and single identifiers; cards accumulate', () => {
  const rows = reduceDetails([customer('a', 1_700_000_000_300, '111', 'Late'), customer('b', 1_700_000_000_100, '222', 'Early')], new Set());
  assert.deepEqual(rows.fields.filter((f) => f.name === 'firstName').map((f) => f.value), ['Late']);
  assert.deepEqual(rows.identifiers.filter((i) => i.kind === 'phone').map((i) => i.value), ['111']);
  assert.deepEqual(rows.identifiers.filter((i) => i.kind === 'card').map((i) => i.value).sort(), ['C-111', 'C-222']);
  assert.deepEqual(rows.linkKeys, ['capillary:1']);
});

test('an erasure drops what the segment said before it and ignores what it says after', () => {
  const erase = flat('customerUpdated.pii-deletion.attributes');
  const rows = reduceDetails(
    [
      customer('a', 1, '111', 'Before'),
      applied({ ...erase, data: { ...erase.data, customerIdentifiers: { customerId: 1 } } }),
      customer('c', 3, '333', 'After'),
    ],
    new Set(),
  );
  assert.deepEqual(rows.erasures.map((e) => e.customer_key), ['capillary:1']);
  assert.deepEqual(rows.fields, []);
  assert.deepEqual(rows.identifiers, []);
  assert.deepEqual(rows.linkKeys, []);
});

test('events for a customer erased earlier are listed for scrubbing and write nothing personal', () => {
  const rows = reduceDetails([customer('a', 1, '111', 'Again')], new Set(['capillary:1']));
  assert.deepEqual(rows.scrubSeqs, [seq]);
  assert.deepEqual(rows.fields, []);
});

test('group events: the addressee is the subject, other members are only mentioned; everyone\'s identifiers only fill gaps', () => {
  const added = applied(flat('groupMemberAdded.flat'));
  const rows = reduceDetails([added], new Set());
  assert.deepEqual(rows.members.map((m) => [m.customer_key, m.status]), [['capillary:3970', 'active']]);
  assert.deepEqual(rows.mentionedMembers.map((m) => m.customer_key), ['capillary:7098']);
  assert.deepEqual(rows.subjects, [{ customer_key: 'capillary:7098', event_seq: added.seq }]);
  assert.deepEqual(rows.identifiers, []);
  assert.deepEqual([...new Set(rows.mentionedIdentifiers.map((i) => i.customer_key))].sort(), ['capillary:3970', 'capillary:7098']);
  assert.deepEqual(rows.customers.map((c) => c.customer_key), ['capillary:7098']);
  assert.deepEqual(rows.groups, [], 'only groupCreated / groupUpdated define a group');
  assert.deepEqual(rows.mentionedGroups.map((g) => [g.group_id, g.name, g.primary_customer_key]), [['5322', 'CDNO', 'capillary:7098']]);
});
