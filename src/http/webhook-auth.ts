import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { fail, ok, type Result } from '../result.ts';
import type { Queryable } from '../store/db.ts';
import { readWebhookSecret, type WebhookSecret } from '../workspaces/webhook-secrets.ts';

/**
 * Checks that a webhook request comes from the source, by the workspace's
 * secret: an HMAC-SHA256 of the raw body in `X-Signature` (also accepted as
 * `X-Hub-Signature-256` or `X-Capillary-Signature`; hex or base64, with or
 * without a `sha256=` prefix), and/or the secret as a bearer token. Which
 * is required is the secret's mode. The answer says what is wrong, never
 * what the secret is.
 */
export const SIGNATURE_HEADERS = ['x-signature', 'x-hub-signature-256', 'x-capillary-signature'] as const;

export function verifyWebhookRequest(secret: WebhookSecret | null, rawBody: Buffer, headers: IncomingHttpHeaders): Result<true, string> {
  if (!secret) return fail('this workspace has no webhook secret for this source (set one with `smartcom webhooks secret set`)');
  const signature = checkSignature(secret.secret, rawBody, headers);
  const token = checkToken(secret.secret, headers);
  switch (secret.mode) {
    case 'signature':
      return signature;
    case 'token':
      return token;
    case 'both':
      return !signature.ok ? signature : token;
    case 'either': {
      // One proof is enough, but a proof that was sent must check out: a
      // signature that does not match the body means the body is not what
      // was signed, whatever token comes with it.
      const sentSignature = SIGNATURE_HEADERS.some((h) => typeof headers[h] === 'string');
      // A proxy's Basic credentials are not a token sent to us.
      const sentToken = headers.authorization?.toLowerCase().startsWith('bearer ') ?? false;
      if (sentSignature && !signature.ok) return signature;
      if (sentToken && !token.ok) return token;
      return signature.ok || token.ok ? ok(true) : fail(`${signature.error}; or ${token.error}`);
    }
  }
}

function checkSignature(secret: string, rawBody: Buffer, headers: IncomingHttpHeaders): Result<true, string> {
  const name = SIGNATURE_HEADERS.find((h) => typeof headers[h] === 'string');
  if (!name) return fail('missing signature: send X-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the webhook secret>');
  const given = decodeSignature(headers[name] as string);
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  if (!given || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return fail(`the ${name} signature does not match the body and the workspace's webhook secret`);
  }
  return ok(true);
}

function decodeSignature(header: string): Buffer | null {
  const value = header.trim().replace(/^sha256=/i, '');
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) return Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
  return null;
}

function checkToken(secret: string, headers: IncomingHttpHeaders): Result<true, string> {
  const header = headers.authorization;
  if (!header?.toLowerCase().startsWith('bearer ')) return fail('missing token: send Authorization: Bearer <webhook secret>');
  // Compared as digests: equal lengths, and no timing hint about the secret's length.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  if (!timingSafeEqual(digest(header.slice(7).trim()), digest(secret))) return fail("the bearer token is not the workspace's webhook secret");
  return ok(true);
}

const CACHE_TTL_MS = 5_000;

/**
 * The secret of each workspace, cached briefly so a busy sender does not
 * cost a query per request; a changed or removed secret takes effect within
 * CACHE_TTL_MS.
 */
export function createWebhookSecretCache(db: Queryable, source: string) {
  const cache = new Map<string, { value: WebhookSecret | null; until: number }>();
  return async function secretOf(workspaceId: string): Promise<WebhookSecret | null> {
    const now = Date.now();
    const hit = cache.get(workspaceId);
    if (hit && hit.until >= now) return hit.value;
    const value = await readWebhookSecret(db, workspaceId, source);
    if (cache.size > 10_000) cache.clear();
    cache.set(workspaceId, { value, until: now + CACHE_TTL_MS });
    return value;
  };
}
