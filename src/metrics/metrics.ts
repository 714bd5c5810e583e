import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The service's Prometheus metrics, one registry per process (no globals). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'smartcom_process_' });
  const labelNames = ['source'] as const;
  return {
    registry,
    consumed: new Counter({ name: 'smartcom_events_consumed_total', help: 'Messages taken from the broker', labelNames, registers: [registry] }),
    applied: new Counter({ name: 'smartcom_events_applied_total', help: 'Events appended to the log and applied to profiles (webhooks: appended and queued for the background projection)', labelNames, registers: [registry] }),
    duplicates: new Counter({ name: 'smartcom_events_duplicate_total', help: 'Copies of events already applied, acknowledged without effect', labelNames, registers: [registry] }),
    retried: new Counter({ name: 'smartcom_events_retried_total', help: 'Apply attempts repeated after a failure', labelNames, registers: [registry] }),
    deadLettered: new Counter({
      name: 'smartcom_events_dead_lettered_total',
      help: 'Messages sent to the error queue, by reason code',
      labelNames: ['source', 'reason'] as const,
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'smartcom_batch_apply_seconds',
      help: 'Time to apply one batch in one transaction',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    consumerLag: new Gauge({ name: 'smartcom_consumer_lag_messages', help: 'Messages waiting in the source queue', labelNames: ['queue'] as const, registers: [registry] }),
    projectionLag: new Gauge({
      name: 'smartcom_projection_lag_seconds',
      help: "Age of the oldest accepted event (webhooks) when its projection onto the profiles started, the largest of any workspace; 0 once every queue is empty",
      registers: [registry],
    }),
    projectionFailures: new Counter({
      name: 'smartcom_projection_failures_total',
      help: 'Accepted events that could not be projected (kept in projection_failures; see `smartcom projection failures`)',
      labelNames,
      registers: [registry],
    }),
    consumerActive: new Gauge({ name: 'smartcom_consumer_active', help: '1 while this process is the active consumer of the queue', labelNames: ['queue'] as const, registers: [registry] }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
