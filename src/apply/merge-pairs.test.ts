import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bareCustomerRef } from '../events/customer-ref.ts';
import { planMergeWaves, type MergeEvent } from './merge-pairs.ts';

const merge = (from: string, into: string): { event: MergeEvent; seq: number } => ({
  seq: Number(from) * 100 + Number(into),
  event: {
    customer: bareCustomerRef('loymax', from),
    change: { kind: 'profilesMerged', into: bareCustomerRef('loymax', into) },
    receivedAt: '2026-12-01T00:00:00.000Z',
  } as MergeEvent,
});
const pairs = (waves: ReturnType<typeof planMergeWaves>) => waves.map((w) => w.map((m) => `${m.from_key}>${m.into_key}`));

test('merges of distinct profiles share a wave; one touching a profile of the wave starts the next', () => {
  const resolve = new Map<string, string>();
  const waves = planMergeWaves([merge('1', '2'), merge('3', '4'), merge('2', '5'), merge('6', '7')], resolve);
  assert.deepEqual(pairs(waves), [['loymax:1>loymax:2', 'loymax:3>loymax:4'], ['loymax:2>loymax:5', 'loymax:6>loymax:7']]);
  assert.equal(resolve.get('loymax:1'), 'loymax:5', 'a key merged earlier follows its target');
  assert.equal(resolve.get('loymax:2'), 'loymax:5');
});

test('a merge is planned between the live profiles its keys resolve to; one within a profile moves nothing', () => {
  const resolve = new Map([['loymax:1', 'loymax:9']]);
  const waves = planMergeWaves([merge('1', '2'), merge('2', '9'), merge('3', '3')], resolve);
  assert.deepEqual(pairs(waves), [['loymax:9>loymax:2']]);
  assert.equal(resolve.get('loymax:1'), 'loymax:2');
  assert.deepEqual(planMergeWaves([], resolve), []);
});
