import type { Queryable } from '../store/db.ts';

/** All SQL over `workspaces`. The `default` workspace is created by the first migration. */

export interface Workspace {
  id: string;
  name: string;
}

const WORKSPACE_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export class InvalidWorkspaceIdError extends Error {}

/** Creates the workspace unless it exists; `created` tells which. */
export async function createWorkspace(db: Queryable, id: string, name = id): Promise<Workspace & { created: boolean }> {
  if (!WORKSPACE_ID.test(id)) {
    throw new InvalidWorkspaceIdError(`workspace id "${id}" must be 1-63 lower-case letters, digits, "-" or "_"`);
  }
  const inserted = await db.query('INSERT INTO workspaces (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id', [id, name]);
  return { id, name, created: inserted.rows.length > 0 };
}

export async function listWorkspaces(db: Queryable): Promise<Workspace[]> {
  return (await db.query<Workspace>('SELECT id, name FROM workspaces ORDER BY id')).rows;
}

export async function workspaceExists(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM workspaces WHERE id = $1', [id])).rows.length > 0;
}
