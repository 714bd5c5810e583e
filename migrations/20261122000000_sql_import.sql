-- SQL-server import (issue 4): where each job stopped, and what each run did.
-- Every row carries its workspace_id; no query may omit it.

-- The cursor of a job: the last stored pack's cursor value and, by date, the
-- key of its last row. Advanced in the same transaction that stores the
-- pack, so a crash resumes right after the last stored pack.
CREATE TABLE sql_import_cursors (
  workspace_id text NOT NULL REFERENCES workspaces (id),
  job text NOT NULL,
  cursor_value text,
  cursor_key text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, job)
);

-- One row per run, updated with every stored pack (same transaction), so a
-- run that dies still reports what it stored. rejections keeps the first
-- reasons (row key and why), rows_rejected counts them all.
CREATE TABLE sql_import_runs (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces (id),
  job text NOT NULL,
  entity text NOT NULL,
  status text NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  packs integer NOT NULL DEFAULT 0,
  rows_read bigint NOT NULL DEFAULT 0,
  rows_stored bigint NOT NULL DEFAULT 0,
  rows_unchanged bigint NOT NULL DEFAULT 0,
  rows_rejected bigint NOT NULL DEFAULT 0,
  rejections jsonb NOT NULL DEFAULT '[]',
  cursor_value text,
  cursor_key text,
  error text
);
CREATE INDEX sql_import_runs_recent ON sql_import_runs (workspace_id, started_at DESC);
