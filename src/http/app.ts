import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import type { BackgroundProjection } from '../apply/background-projection.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Store } from '../store/db.ts';
import { API_KEY_SCHEMES } from './api-key-security.ts';
import { createApiKeyAuth } from './auth.ts';
import { answerFrameworkError, installErrorHandler } from './errors.ts';
import { acceptEmptyJsonOnDelete } from './json-body.ts';
import { refuseNulInPathAndQuery } from './request-text.ts';
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
  /** Projects the webhook events accepted here; its owner (the service) stops it after the app has closed. */
  projection: BackgroundProjection;
}

/** The HTTP edge: wiring only; every answer comes from the read side. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const options = { bodyLimit: 1_048_576, frameworkErrors: answerFrameworkError };
  const app = (deps.logger
    ? Fastify({ ...options, loggerInstance: deps.logger as never })
    : Fastify({ ...options, logger: false })) as unknown as FastifyInstance;
  acceptEmptyJsonOnDelete(app);
  await app.register(swagger, {
    openapi: {
      info: { title: 'smartcom', version: '0.1.0', description: 'Loyalty events in, one live customer profile out. Every endpoint but the health checks needs a workspace API key.' },
      components: { securitySchemes: API_KEY_SCHEMES },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  installErrorHandler(app);
  const authenticate = createApiKeyAuth(deps.store);
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/docs')) return;
    await authenticate(request, reply);
  });
  app.addHook('preValidation', refuseNulInPathAndQuery);
  registerHealthRoutes(app, deps);
  registerCustomerRoutes(app, deps);
  // Webhook events are accepted into the log and projected in the background;
  // on close, the requests in hand are committed (the owner then stops the projection).
  const webhooks = registerCapillaryWebhookRoutes(app, deps);
  app.addHook('onClose', () => webhooks.close());
  registerBonusRoutes(app, deps);
  registerImportRoutes(app, deps);
  registerCatalogRoutes(app, deps);
  return app;
}
