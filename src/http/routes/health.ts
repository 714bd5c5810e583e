import { API_KEY_SECURITY } from '../api-key-security.ts';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/db.ts';
import type { Metrics } from '../../metrics/metrics.ts';

export interface ConsumerStatus {
  state(): string;
}

export function registerHealthRoutes(app: FastifyInstance, deps: { store: Store; metrics: Metrics; consumer?: ConsumerStatus | undefined }): void {
  app.get('/healthz', { config: { auth: false }, schema: { tags: ['health'], summary: 'Liveness: the process answers' } }, async () => ({ status: 'ok' }));

  app.get(
    '/readyz',
    { config: { auth: false }, schema: { tags: ['health'], summary: 'Readiness: the store answers and the consumer is connected (active or standing by)' } },
    async (_request, reply) => {
      let store = 'ok';
      try {
        await deps.store.query('SELECT 1');
      } catch {
        store = 'unavailable';
      }
      const consumer = deps.consumer ? deps.consumer.state() : 'disabled';
      const ready = store === 'ok' && ['consuming', 'standby', 'disabled'].includes(consumer);
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', store, consumer });
    },
  );

  app.get('/metrics', { schema: { tags: ['health'], summary: 'Prometheus metrics (needs an API key of any workspace)', security: API_KEY_SECURITY } }, async (_request, reply) => {
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(body);
  });
}
