import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { acceptEvents } from '../../apply/accept-events.ts';
import type { BackgroundProjection } from '../../apply/background-projection.ts';
import { createGroupCommitter } from '../../apply/group-commit.ts';
import { isTransientStoreError } from '../../store/transient-errors.ts';
import type { CanonicalEvent } from '../../events/canonical.ts';
import { CAPILLARY_SOURCE } from '../../ingest/capillary/identifiers.ts';
import { MAX_EVENTS_PER_REQUEST, parseCapillaryBody } from '../../ingest/capillary/parse.ts';
import { capillaryToCanonical } from '../../ingest/capillary/to-canonical.ts';
import type { Metrics } from '../../metrics/metrics.ts';
import type { Store } from '../../store/db.ts';
import { bodyText } from '../body-text.ts';
import { createWebhookSecretCache, verifyWebhookRequest } from '../webhook-auth.ts';

/** A batch of MAX_EVENTS_PER_REQUEST realistic events fits; a larger body is refused unread. */
export const CAPILLARY_WEBHOOK_MAX_BYTES = 4 * 1_048_576;

const Params = Type.Object({
  workspaceId: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', description: 'The workspace the events belong to' }),
});

interface RejectedEvent {
  index: number;
  error: string;
  message: string;
}

/**
 * POST /v1/webhooks/capillary/{workspaceId}: Capillary's event
 * notifications. Authenticated by the workspace's webhook secret (not an
 * API key), checked over the raw body; answered 200 only once the events
 * are committed to the log (a repeated eventId included: it was committed
 * before); their projection onto the profiles follows in the background
 * (milliseconds when the service keeps up: smartcom_projection_lag_seconds), 400
 * with a reason when nothing in the body can be stored, 401 when the
 * secret does not check out, 503 when the store fails (send again).
 */
export function registerCapillaryWebhookRoutes(
  app: FastifyInstance,
  deps: { store: Store; metrics: Metrics; projection: BackgroundProjection },
): { close(): Promise<void> } {
  const secretOf = createWebhookSecretCache(deps.store, CAPILLARY_SOURCE);
  const labels = { source: CAPILLARY_SOURCE };
  const committer = createGroupCommitter((workspaceId, events) => acceptEvents(deps.store, workspaceId, events), {
    onCommit: (workspaceId, outcome, seconds) => {
      if (outcome.applied > 0) deps.projection.wake(workspaceId);
      deps.metrics.applied.inc(labels, outcome.applied);
      deps.metrics.duplicates.inc(labels, outcome.duplicates);
      deps.metrics.batchSeconds.observe(labels, seconds);
    },
  });

  async function receive(request: FastifyRequest, reply: FastifyReply) {
    const { workspaceId } = request.params as { workspaceId: string };
    const raw = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
    let secret: Awaited<ReturnType<typeof secretOf>>;
    try {
      secret = await secretOf(workspaceId);
    } catch (error) {
      request.log.error({ err: error, workspaceId }, 'reading the webhook secret failed');
      return notStored(reply, error);
    }
    const verdict = verifyWebhookRequest(secret, raw, request.headers);
    if (!verdict.ok) return reply.code(401).send({ error: 'unauthorized', message: verdict.error });

    const text = bodyText(raw, request.headers['content-type']);
    if (!text.ok) return reply.code(text.error.status).send({ error: text.error.code, message: text.error.message, rejected: [] });
    const parsed = parseCapillaryBody(text.value);
    if (!parsed.ok) return reply.code(400).send({ error: parsed.error.code, message: parsed.error.reason, rejected: [] });
    const receivedAt = new Date().toISOString();
    const events: CanonicalEvent[] = [];
    const rejected: RejectedEvent[] = [];
    parsed.value.forEach((item, index) => {
      if (item.ok) events.push(capillaryToCanonical(item.value, { workspaceId, receivedAt }));
      else rejected.push({ index, error: item.error.code, message: item.error.reason });
    });
    if (rejected.length > 0) request.log.warn({ workspaceId, rejected }, 'capillary events rejected');
    if (events.length === 0) {
      const message = rejected.length === 1 ? rejected[0]!.message : `none of the ${rejected.length} events can be stored; see rejected`;
      return reply.code(400).send({ error: rejected.length === 1 ? rejected[0]!.error : 'invalid_events', message, rejected });
    }

    deps.metrics.consumed.inc(labels, events.length);
    try {
      await committer.submit(workspaceId, events);
    } catch (error) {
      request.log.error({ err: error, workspaceId }, 'storing capillary events failed');
      return notStored(reply, error);
    }
    return reply.code(200).send({ accepted: events.length, rejected });
  }

  void app.register(async (scope) => {
    // The signature is over the raw bytes: this scope takes every body as a
    // buffer, whatever its content type, and parses it itself.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: CAPILLARY_WEBHOOK_MAX_BYTES }, (_request, body, done) => done(null, body));
    scope.post(
      '/v1/webhooks/capillary/:workspaceId',
      {
        config: { auth: false },
        bodyLimit: CAPILLARY_WEBHOOK_MAX_BYTES,
        errorHandler: answerWebhookError,
        schema: {
          tags: ['webhooks'],
          summary: `Capillary event notifications: one event, or a JSON array of up to ${MAX_EVENTS_PER_REQUEST}, in any envelope form of the Capillary documentation`,
          description:
            'Authenticated by the workspace webhook secret (`smartcom webhooks secret set`), not an API key: `X-Signature: sha256=<hex HMAC-SHA256 of the raw body>` and/or `Authorization: Bearer <secret>`, as the secret\'s mode says. 200 once stored: `{ accepted, rejected: [{ index, error, message }] }`; 400 when no event can be stored; 401 for a bad signature or token; 413 for a body over 4 MiB; 415 for a body declared in a charset other than UTF-8 (400 `invalid_utf8` for bytes that are not UTF-8); 503 when the store is unavailable.',
          params: Params,
          security: [],
        },
      },
      receive,
    );
  });
  return { close: () => committer.close() };
}

/** The webhook's own error answers: bad input is always a 4xx with a code the sender can log. */
function answerWebhookError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error.validation) return reply.code(400).send({ error: 'invalid_request', message: error.message, rejected: [] });
  if (error.statusCode === 413) {
    return reply.code(413).send({ error: 'body_too_large', message: `the body exceeds ${CAPILLARY_WEBHOOK_MAX_BYTES} bytes; send fewer events per request`, rejected: [] });
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return reply.code(error.statusCode).send({ error: 'bad_request', message: error.message, rejected: [] });
  }
  request.log.error({ err: error }, 'webhook request failed');
  return reply.code(500).send({ error: 'internal', message: 'internal error; see the service log' });
}

/** Only an outage is worth the sender's retry (503); anything else would fail the same way on every retry (500, as errors.ts answers). */
function notStored(reply: FastifyReply, error: unknown) {
  if (isTransientStoreError(error)) return reply.code(503).send({ error: 'store_unavailable', message: 'the events were not stored; send them again later' });
  return reply.code(500).send({ error: 'internal', message: 'the events were not stored: internal error; see the service log' });
}
