-- Which sources a workspace has profiles of. The identity link step first
-- asks whether a workspace holds profiles of another source at all; an index
-- of every profile by its source answered that at the price of one more
-- index entry per profile written, and it misled the planner of a young
-- store (without statistics yet, it took "workspace_id = $1" for a few rows
-- and scanned the whole workspace through it). One row per source instead.
CREATE TABLE customer_sources (
  workspace_id text NOT NULL,
  source text NOT NULL,
  PRIMARY KEY (workspace_id, source)
);
INSERT INTO customer_sources (workspace_id, source) SELECT DISTINCT workspace_id, source FROM customers;
DROP INDEX customers_by_source;
