-- SQL import jobs defined over the HTTP API (issue 4), and the run heartbeat
-- that tells a live run from one whose process died.

-- A job defined over the API: the same definition a job file holds
-- (src/imports/job-config.ts), without its workspace, which is the row's.
-- Job files are not stored here; a file job and a stored job never share a
-- name in one workspace (the API refuses it).
CREATE TABLE sql_import_jobs (
  workspace_id text NOT NULL REFERENCES workspaces (id),
  name text NOT NULL,
  definition jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, name)
);

-- Refreshed when a run starts, with every stored pack and on a timer by the
-- process running it. A 'running' run whose heartbeat is older than the
-- staleness threshold (src/imports/import-state-table.ts) is reported
-- 'interrupted': its process died or lost the store.
ALTER TABLE sql_import_runs ADD COLUMN heartbeat_at timestamptz;
