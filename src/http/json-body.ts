import type { FastifyInstance } from 'fastify';

/**
 * Many HTTP clients send `Content-Type: application/json` on a DELETE without
 * a body; that is no bad request. Every other empty JSON body still is.
 */
export function acceptEmptyJsonOnDelete(app: FastifyInstance): void {
  // Fastify's own protections, as configured (both refuse by default).
  const json = app.getDefaultJsonParser(app.initialConfig.onProtoPoisoning ?? 'error', app.initialConfig.onConstructorPoisoning ?? 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (request.method === 'DELETE' && body === '') return done(null, undefined);
    json(request, body as string, done);
  });
}
