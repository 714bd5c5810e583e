import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Queryable } from '../store/db.ts';
import { workspaceOfApiKey } from '../workspaces/api-keys.ts';

declare module 'fastify' {
  interface FastifyRequest {
    workspaceId: string;
  }
  interface FastifyContextConfig {
    /** false for the few endpoints anyone may call (health checks, docs). */
    auth?: boolean;
  }
}

const CACHE_TTL_MS = 10_000;

/**
 * Resolves the workspace from `Authorization: Bearer <key>` or `X-Api-Key`.
 * Lookups are cached briefly so a busy client does not cost a query per
 * request; a revoked key stops working within CACHE_TTL_MS.
 */
export function createApiKeyAuth(db: Queryable) {
  const cache = new Map<string, { workspaceId: string | null; until: number }>();
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.routeOptions.config?.auth === false) return;
    const key = keyOf(request);
    if (!key) {
      await reply.code(401).send({ error: 'unauthorized', message: 'send an API key as "Authorization: Bearer <key>" (create one with `smartcom keys create`)' });
      return;
    }
    const now = Date.now();
    let hit = cache.get(key);
    if (!hit || hit.until < now) {
      hit = { workspaceId: await workspaceOfApiKey(db, key), until: now + CACHE_TTL_MS };
      if (cache.size > 10_000) cache.clear();
      cache.set(key, hit);
    }
    if (!hit.workspaceId) {
      await reply.code(401).send({ error: 'unauthorized', message: 'unknown or revoked API key' });
      return;
    }
    request.workspaceId = hit.workspaceId;
  };
}

function keyOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7).trim() || null;
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey : null;
}
