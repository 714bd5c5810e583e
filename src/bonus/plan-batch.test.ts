import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddItem, CustomerRef } from './command-types.ts';
import { planBatch, type ClaimedItem, type CustomerState } from './plan-batch.ts';

const NOW = '2026-01-01T00:00:00.000Z';
let nextSeq = 1;
const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function add(fields: Partial<AddItem> & { uniqId: string }, amount: string | null = '100'): ClaimedItem {
  const seq = nextSeq++;
  const item: AddItem = {
    guid: guid(seq),
    phone: null,
    email: null,
    message: null,
    accrual: amount === null ? null : { amount, info: null, eventId: null, eventDate: null, eventType: null, operationType: null, operationAmount: null, merchantName: null, bankProduct: null, mcc: null },
    ...fields,
  };
  return { commandId: 'c', commandSeq: 1, itemNo: seq, queued: { kind: 'add', item } };
}

function statusChange(kind: 'block' | 'activate', ref: Partial<CustomerRef>): ClaimedItem {
  const seq = nextSeq++;
  return { commandId: 'c', commandSeq: 1, itemNo: seq, queued: { kind, item: { guid: null, uniqId: null, phone: null, email: null, ...ref } } };
}

const customer = (uniqId: string, fields: Partial<CustomerState> = {}): CustomerState => ({
  uniqId,
  phone: null,
  email: null,
  status: 'Active',
  activatedAt: '2025-01-01T00:00:00.000Z',
  blockedAt: null,
  ...fields,
});

const plan = (items: ClaimedItem[], customers: CustomerState[] = [], appliedGuids: string[] = []) =>
  planBatch(items, { customers, appliedGuids: new Set(appliedGuids) }, NOW);

const errorTypes = (p: ReturnType<typeof plan>) => p.outcomes.map((o) => o.error?.typeOfError ?? 'ok');

test('3.1: only uniqId, phone and e-mail create a New customer; an accrual creates it Active (3.3)', () => {
  const p = plan([add({ uniqId: 'a', phone: '+70000000001', email: 'a@x.ru' }, null), add({ uniqId: 'b' })]);
  assert.deepEqual(errorTypes(p), ['ok', 'ok']);
  const [a, b] = p.created;
  assert.deepEqual({ id: a?.uniqId, status: a?.status, phone: a?.phone }, { id: 'a', status: 'New', phone: '+70000000001' });
  assert.deepEqual({ id: b?.uniqId, status: b?.status, activatedAt: b?.activatedAt }, { id: 'b', status: 'Active', activatedAt: NOW });
  assert.deepEqual(p.accruals.map((x) => x.uniqId), ['b']);
});

test('3.3: an accrual turns a New customer Active; 3.4: a Blocked one stays blocked but is credited', () => {
  const p = plan([add({ uniqId: 'new' }), add({ uniqId: 'blocked' })], [customer('new', { status: 'New', activatedAt: null }), customer('blocked', { status: 'Blocked' })]);
  assert.deepEqual(p.updated.map((c) => [c.uniqId, c.status, c.balanceDelta]), [['new', 'Active', '100'], ['blocked', 'Blocked', '100']]);
  assert.deepEqual(p.accruals.map((x) => x.uniqId), ['new', 'blocked']);
});

test('3.4: only activateCustomers unblocks; blockCustomers blocks', () => {
  const p = plan([statusChange('block', { uniqId: 'a' }), add({ uniqId: 'a' }), statusChange('activate', { phone: '+70000000009' })], [customer('a', { phone: '+70000000009' })]);
  assert.deepEqual(errorTypes(p), ['ok', 'ok', 'ok']);
  assert.equal(p.updated[0]?.status, 'Active');
  assert.equal(p.updated[0]?.blockedAt, null);
  const blocked = plan([statusChange('block', { uniqId: 'a' })], [customer('a')]);
  assert.deepEqual([blocked.updated[0]?.status, blocked.updated[0]?.blockedAt], ['Blocked', NOW]);
  assert.deepEqual(errorTypes(plan([statusChange('block', { uniqId: 'nobody' })])), ['customerNotFound']);
});

test('FAQ 3: a new phone for a known customer replaces the old one if nobody else has it, and the points are accrued', () => {
  const p = plan([add({ uniqId: 'a', phone: '+70000000002' })], [customer('a', { phone: '+70000000001' })]);
  assert.deepEqual(errorTypes(p), ['ok']);
  assert.equal(p.updated[0]?.phone, '+70000000002');
  assert.equal(p.accruals.length, 1);
});

test("FAQ 3: otherwise the new phone number will not be replaced and no points will be accrued", () => {
  const p = plan([add({ uniqId: 'a', phone: '+70000000002', email: 'new@x.ru', message: { text: 'hi', showCount: 1, showTill: null } })], [
    customer('a', { phone: '+70000000001' }),
    customer('b', { phone: '+70000000002' }),
  ]);
  assert.deepEqual(errorTypes(p), ['phoneBelongsToOtherCustomer']);
  assert.deepEqual([p.updated, p.accruals, p.messages], [[], [], []]);
});

test('FAQ 4: a new uniqId with a phone that belongs to a customer creates nobody and accrues to nobody', () => {
  const p = plan([add({ uniqId: 'new', phone: '+70000000001' })], [customer('old', { phone: '+70000000001' })]);
  assert.deepEqual(errorTypes(p), ['phoneBelongsToOtherCustomer']);
  assert.deepEqual([p.created, p.accruals], [[], []]);
});

test('FAQ 4 within one batch: a phone given to a customer created earlier in the batch counts', () => {
  const p = plan([add({ uniqId: 'first', phone: '+70000000001' }), add({ uniqId: 'second', phone: '+70000000001' })]);
  assert.deepEqual(errorTypes(p), ['ok', 'phoneBelongsToOtherCustomer']);
  assert.deepEqual(p.created.map((c) => c.uniqId), ['first']);
});

test('a phone freed earlier in the batch can be taken by a later item', () => {
  const p = plan([add({ uniqId: 'a', phone: '+70000000002' }), add({ uniqId: 'b', phone: '+70000000001' })], [customer('a', { phone: '+70000000001' })]);
  assert.deepEqual(errorTypes(p), ['ok', 'ok']);
  assert.deepEqual(p.updated.map((c) => [c.uniqId, c.phone]), [['a', '+70000000002']]);
  assert.deepEqual(p.created.map((c) => [c.uniqId, c.phone]), [['b', '+70000000001']]);
});

test("FAQ 5: a new e-mail is taken even if it is the same as another customer's", () => {
  const p = plan([add({ uniqId: 'a', email: 'shared@x.ru' })], [customer('a', { email: 'old@x.ru' }), customer('b', { email: 'shared@x.ru' })]);
  assert.deepEqual(errorTypes(p), ['ok']);
  assert.equal(p.updated[0]?.email, 'shared@x.ru');
});

test('FAQ 7: a new uniqId with a known e-mail creates nobody; the points go to the customer with that e-mail', () => {
  const p = plan([add({ uniqId: 'new', email: 'Known@X.ru', message: { text: 'hi', showCount: 2, showTill: null } })], [customer('owner', { email: 'known@x.ru' })]);
  assert.deepEqual(errorTypes(p), ['ok']);
  assert.deepEqual(p.created, []);
  assert.deepEqual(p.accruals.map((a) => [a.uniqId, a.requestedUniqId]), [['owner', 'new']]);
  assert.deepEqual(p.messages.map((m) => m.uniqId), ['owner']);
  assert.equal(p.outcomes[0]?.customer, 'owner');
});

test('FAQ 7 with an e-mail several customers share: refused, nobody credited', () => {
  const p = plan([add({ uniqId: 'new', email: 'shared@x.ru' })], [customer('a', { email: 'shared@x.ru' }), customer('b', { email: 'shared@x.ru' })]);
  assert.deepEqual(errorTypes(p), ['ambiguousEmail']);
  assert.deepEqual(p.accruals, []);
});

test('balances move by the exact sum of the accruals, and new customers start with theirs', () => {
  const p = plan([add({ uniqId: 'a' }, '0.1'), add({ uniqId: 'a' }, '0.2'), add({ uniqId: 'b' }, '999999999.9999'), add({ uniqId: 'b' }, '0.0001')], [customer('a')]);
  assert.deepEqual(p.updated.map((c) => [c.uniqId, c.balanceDelta]), [['a', '0.3']]);
  assert.deepEqual(p.created.map((c) => [c.uniqId, c.balance]), [['b', '1000000000']]);
});

test('one operation per guid: a guid already applied, or applied earlier in the batch, is refused', () => {
  const first = add({ uniqId: 'a' });
  const repeat: ClaimedItem = { ...add({ uniqId: 'a' }), queued: first.queued };
  const p = plan([first, repeat]);
  assert.deepEqual(errorTypes(p), ['ok', 'duplicateGuid']);
  assert.equal(p.accruals.length, 1);
  assert.deepEqual(p.appliedGuids.map((a) => a.guid), [guid(first.itemNo)]);
  const again = plan([{ ...first, itemNo: 99 }], [], [guid(first.itemNo)]);
  assert.deepEqual(errorTypes(again), ['duplicateGuid']);
});

test('a guid whose item failed can be used again', () => {
  const failed = add({ uniqId: 'new', phone: '+70000000001' });
  const retry: ClaimedItem = { ...add({ uniqId: 'new' }), queued: { kind: 'add', item: { ...(failed.queued.item as AddItem), phone: null } } };
  const p = plan([failed, retry], [customer('old', { phone: '+70000000001' })]);
  assert.deepEqual(errorTypes(p), ['phoneBelongsToOtherCustomer', 'ok']);
});

test('FAQ 1: a message without an accrual is kept and does not activate a New customer', () => {
  const p = plan([add({ uniqId: 'n', message: { text: 'hello', showCount: 3, showTill: null } }, null)], [customer('n', { status: 'New', activatedAt: null })]);
  assert.deepEqual(p.messages.map((m) => [m.uniqId, m.message.text]), [['n', 'hello']]);
  assert.deepEqual([p.accruals, p.updated], [[], []]);
});
