import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Gauge, Registry } from 'prom-client';
import { largestLagGauge } from './largest-lag.ts';

test("the gauge shows the largest workspace's lag: another workspace catching up does not zero it", async () => {
  const gauge = new Gauge({ name: 'lag_seconds', help: 'lag', registers: [new Registry()] });
  const value = async () => (await gauge.get()).values[0]!.value;
  const setLag = largestLagGauge(gauge);
  setLag('a', 30);
  setLag('b', 2);
  assert.equal(await value(), 30);
  setLag('b', 0);
  assert.equal(await value(), 30, "b's empty queue leaves a's backlog showing");
  setLag('a', 5);
  assert.equal(await value(), 5);
  setLag('a', 0);
  assert.equal(await value(), 0);
});
