import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import { startBackgroundProjection } from '../apply/background-projection.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Store } from '../store/db.ts';
import { createApiKeyAuth } from './auth.ts';
import { installErrorHandler } from './errors.ts';
import { registerBonusRoutes } from './routes/bonus.ts';
import { registerCapillaryWebhookRoutes } from './routes/capillary-webhooks.ts';
import { registerCatalogRoutes } from './routes/catalog.ts';
import { registerCustomerRoutes } from './routes/customers.ts';
import { registerHealthRoutes, type ConsumerStatus } from './routes/health.ts';
import { registerImportRoutes } from './routes/imports.ts';

export interface AppDeps {
  store: Store;
  metrics: Metrics;
  logger?: Logger | false;
  consumer?: ConsumerStatus | undefined;
}

/** The HTTP edge: wiring only; every answer comes from the read side. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = (deps.logger
    ? Fastify({ loggerInstance: deps.logger as never, bodyLimit: 1_048_576 })
    : Fastify({ logger: false, bodyLimit: 1_048_576 })) as unknown as FastifyInstance;
  await app.register(swagger, {
    openapi: {
      info: { title: 'smartcom', version: '0.1.0', description: 'Loyalty events in, one live customer profile out. Every endpoint but the health checks needs a workspace API key.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A workspace API key (`smartcom keys create`); also accepted as X-Api-Key' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  installErrorHandler(app);
  const authenticate = createApiKeyAuth(deps.store);
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/docs')) return;
    await authenticate(request, reply);
  });
  registerHealthRoutes(app, deps);
  registerCustomerRoutes(app, deps);
  // Webhook events are accepted into the log and projected in the background;
  // on close, the requests in hand are committed before the projection stops.
  const projection = startBackgroundProjection(deps.store, { log: deps.logger ? deps.logger.child({ part: 'projection' }) : null, metrics: deps.metrics });
  const webhooks = registerCapillaryWebhookRoutes(app, { ...deps, projection });
  app.addHook('onClose', async () => {
    await webhooks.close();
    await projection.stop();
  });
  registerBonusRoutes(app, deps);
  registerImportRoutes(app, deps);
  registerCatalogRoutes(app, deps);
  return app;
}
