import { randomBytes } from 'node:crypto';
import type { Queryable } from '../store/db.ts';

/**
 * All SQL over `webhook_secrets`: one secret per workspace and source. The
 * secret is stored as-is, because an HMAC signature can only be checked
 * with the secret itself (a hash would do for a bearer token alone, not for
 * signatures); whoever can read the database can read the secrets.
 */

/**
 * How a webhook request proves it comes from the source:
 * - signature: an HMAC-SHA256 of the raw body keyed with the secret;
 * - token: the secret itself as `Authorization: Bearer <secret>`;
 * - both: signature and token; either: one of them suffices.
 */
export const WEBHOOK_AUTH_MODES = ['signature', 'token', 'both', 'either'] as const;
export type WebhookAuthMode = (typeof WEBHOOK_AUTH_MODES)[number];

export interface WebhookSecret {
  secret: string;
  mode: WebhookAuthMode;
}

export const isWebhookAuthMode = (value: string): value is WebhookAuthMode => (WEBHOOK_AUTH_MODES as readonly string[]).includes(value);

export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export async function setWebhookSecret(db: Queryable, workspaceId: string, source: string, value: WebhookSecret): Promise<void> {
  await db.query(
    `INSERT INTO webhook_secrets (workspace_id, source, secret, auth_mode) VALUES ($1, $2, $3, $4)
     ON CONFLICT (workspace_id, source) DO UPDATE SET secret = EXCLUDED.secret, auth_mode = EXCLUDED.auth_mode, created_at = now()`,
    [workspaceId, source, value.secret, value.mode],
  );
}

export async function readWebhookSecret(db: Queryable, workspaceId: string, source: string): Promise<WebhookSecret | null> {
  const result = await db.query<{ secret: string; auth_mode: string }>(
    'SELECT secret, auth_mode FROM webhook_secrets WHERE workspace_id = $1 AND source = $2',
    [workspaceId, source],
  );
  const row = result.rows[0];
  return row && isWebhookAuthMode(row.auth_mode) ? { secret: row.secret, mode: row.auth_mode } : null;
}

export async function removeWebhookSecret(db: Queryable, workspaceId: string, source: string): Promise<boolean> {
  const result = await db.query('DELETE FROM webhook_secrets WHERE workspace_id = $1 AND source = $2 RETURNING workspace_id', [workspaceId, source]);
  return result.rows.length > 0;
}

export async function listWebhookSecrets(db: Queryable): Promise<Array<{ workspaceId: string; source: string; mode: string; createdAt: string }>> {
  const result = await db.query<Record<string, unknown>>('SELECT workspace_id, source, auth_mode, created_at FROM webhook_secrets ORDER BY workspace_id, source');
  return result.rows.map((r) => ({
    workspaceId: String(r.workspace_id),
    source: String(r.source),
    mode: String(r.auth_mode),
    createdAt: new Date(r.created_at as string).toISOString(),
  }));
}
