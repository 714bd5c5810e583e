import type { FastifyInstance } from 'fastify';
import { startBackgroundProjection } from '../../src/apply/background-projection.ts';
import { buildApp } from '../../src/http/app.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import type { Store } from '../../src/store/db.ts';

/**
 * The HTTP app on a store, as the service wires it: with the background
 * projection of accepted webhook events, stopped once the app has closed.
 */
export async function buildTestApp(store: Store): Promise<FastifyInstance> {
  const metrics = createMetrics();
  const projection = startBackgroundProjection(store, { log: null, metrics });
  const app = await buildApp({ store, metrics, logger: false, projection });
  app.addHook('onClose', () => projection.stop());
  return app;
}
