import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../store/db.ts';

/** All SQL over `api_keys`. A key is `smk_` + 32 random bytes; only its SHA-256 is stored. */

export interface CreatedApiKey {
  id: string;
  workspaceId: string;
  name: string;
  key: string;
}

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export async function createApiKey(db: Queryable, workspaceId: string, name: string): Promise<CreatedApiKey> {
  const key = `smk_${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  await db.query('INSERT INTO api_keys (id, workspace_id, name, key_prefix, key_hash) VALUES ($1, $2, $3, $4, $5)', [
    id,
    workspaceId,
    name,
    key.slice(0, 10),
    hashKey(key),
  ]);
  return { id, workspaceId, name, key };
}

/** The workspace a key belongs to, or null for an unknown or revoked key. */
export async function workspaceOfApiKey(db: Queryable, key: string): Promise<string | null> {
  const result = await db.query<{ workspace_id: string }>(
    'SELECT workspace_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
    [hashKey(key)],
  );
  return result.rows[0]?.workspace_id ?? null;
}

export interface ApiKeyInfo {
  id: string;
  workspaceId: string;
  name: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

export async function listApiKeys(db: Queryable, workspaceId?: string): Promise<ApiKeyInfo[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT id, workspace_id, name, key_prefix, created_at, revoked_at FROM api_keys
      WHERE $1::text IS NULL OR workspace_id = $1 ORDER BY created_at`,
    [workspaceId ?? null],
  );
  return result.rows.map((r) => ({
    id: String(r.id),
    workspaceId: String(r.workspace_id),
    name: String(r.name),
    prefix: String(r.key_prefix),
    createdAt: new Date(r.created_at as string).toISOString(),
    revokedAt: r.revoked_at ? new Date(r.revoked_at as string).toISOString() : null,
  }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function revokeApiKey(db: Queryable, id: string): Promise<boolean> {
  // Key ids are uuids; anything else names no key (and would be a type error in the store).
  if (!UUID.test(id)) return false;
  const result = await db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id', [id]);
  return result.rows.length > 0;
}

export async function countActiveApiKeys(db: Queryable): Promise<number> {
  const result = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM api_keys WHERE revoked_at IS NULL');
  return Number(result.rows[0]?.n ?? 0);
}
