import type { Queryable, Store } from '../store/db.ts';
import { parseImportJob, type ImportJob } from './job-config.ts';

/** All SQL over sql_import_jobs: the jobs defined over the HTTP API. */

export interface StoredJob {
  workspaceId: string;
  name: string;
  /** null when the stored definition no longer passes parseImportJob (the schema got stricter); `problems` says why. */
  job: ImportJob | null;
  problems: string[];
  createdAt: string;
  updatedAt: string;
}

/** Creates or replaces a job; answers whether it existed. The definition was parsed already, its workspace is the row's. */
export async function saveStoredJob(db: Queryable, job: ImportJob): Promise<{ created: boolean }> {
  const { workspace, ...definition } = job;
  // xmax = 0 only on a freshly inserted row: the one way to tell insert from update in one statement.
  const { rows } = await db.query<{ created: boolean }>(
    `INSERT INTO sql_import_jobs (workspace_id, name, definition) VALUES ($1, $2, $3::jsonb)
     ON CONFLICT (workspace_id, name) DO UPDATE SET definition = EXCLUDED.definition, updated_at = now()
     RETURNING (xmax = 0) AS created`,
    [workspace, job.name, JSON.stringify(definition)],
  );
  return { created: rows[0]!.created };
}

export async function readStoredJob(db: Queryable, workspaceId: string, name: string): Promise<StoredJob | null> {
  const { rows } = await db.query<JobRow>('SELECT * FROM sql_import_jobs WHERE workspace_id = $1 AND name = $2', [workspaceId, name]);
  return rows[0] ? storedJobOf(rows[0]) : null;
}

/** The jobs of one workspace, or of every workspace (the scheduler) when workspaceId is null. */
export async function listStoredJobs(db: Queryable, workspaceId: string | null): Promise<StoredJob[]> {
  const { rows } = await db.query<JobRow>(
    'SELECT * FROM sql_import_jobs WHERE ($1::text IS NULL OR workspace_id = $1) ORDER BY workspace_id, name',
    [workspaceId],
  );
  return rows.map(storedJobOf);
}

/** Deletes a job, and its cursor when forgetCursor (a job created again under that name then starts from its startFrom). */
export async function deleteStoredJob(store: Store, workspaceId: string, name: string, forgetCursor: boolean): Promise<boolean> {
  return store.transaction(async (tx) => {
    const { rows } = await tx.query('DELETE FROM sql_import_jobs WHERE workspace_id = $1 AND name = $2 RETURNING name', [workspaceId, name]);
    if (rows.length > 0 && forgetCursor) {
      await tx.query('DELETE FROM sql_import_cursors WHERE workspace_id = $1 AND job = $2', [workspaceId, name]);
    }
    return rows.length > 0;
  });
}

interface JobRow {
  workspace_id: string;
  name: string;
  definition: unknown;
  created_at: string | Date;
  updated_at: string | Date;
}

function storedJobOf(row: JobRow): StoredJob {
  const definition = typeof row.definition === 'string' ? JSON.parse(row.definition) : row.definition;
  const parsed = parseImportJob({ ...(definition as object), workspace: row.workspace_id, name: row.name });
  return {
    workspaceId: row.workspace_id,
    name: row.name,
    job: parsed.ok ? parsed.value : null,
    problems: parsed.ok ? [] : parsed.error,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
