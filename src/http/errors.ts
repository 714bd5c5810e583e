import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isTransientStoreError } from '../store/transient-errors.ts';

/**
 * The one place errors become HTTP answers: a stable `error` code and a
 * message a user can act on. A store outage is 503 (try again); unexpected
 * errors are logged and answered 500 without internals.
 */
// Fastify's own answers to a body it cannot read, in the house's terms.
const BODY_ERRORS: Readonly<Record<string, { status: number; error: string }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, error: 'invalid_json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, error: 'empty_body' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, error: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, error: 'invalid_request' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, error: 'body_too_large' },
};

// The store refusing a value a read request brought (a date before year 1,
// a number past bigint, bytes that are no text): the request's fault, not
// smartcom's. Only for reads, whose values reach SQL as comparisons only (a
// DELETE can write: there such an error is smartcom's own, a 500).
const REFUSED_VALUES = new Set(['22003', '22008', '22007', '22021', '22P05', '22P02']);
const READS = new Set(['GET', 'HEAD']);

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      return reply.code(400).send({ error: 'invalid_request', message: error.message });
    }
    const bodyError = error.code ? BODY_ERRORS[error.code] : undefined;
    if (bodyError) return reply.code(bodyError.status).send({ error: bodyError.error, message: error.message });
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: 'bad_request', message: error.message });
    }
    if (READS.has(request.method) && REFUSED_VALUES.has(String(error.code))) {
      return reply.code(400).send({ error: 'invalid_request', message: `a value in the request cannot be compared with what is stored: ${error.message}` });
    }
    if (isTransientStoreError(error)) {
      // the database is away: the client should try again, as the webhooks tell their senders
      request.log.warn({ err: error }, 'request failed: the store is unavailable');
      return reply.code(503).header('retry-after', '5').send({ error: 'store_unavailable', message: 'the store is unavailable; try again shortly' });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error; see the service log' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
}

/**
 * What the router refuses before any handler runs (a path that is not valid
 * percent-encoding, a parameter over the length limit), in the house's terms.
 */
export function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  void reply.code(status).send({ error: 'invalid_request', message: error.message });
}
