-- SQL import (issue 4): receipt lines a source keeps apart from its receipts.
-- A line belongs to no profile and may arrive before or after its receipt,
-- so it is stored on its own, keyed by its line id, and joined to the
-- purchase or refund (same source and purchase_id) when read. A line read
-- again with changed content replaces the stored one (later event_seq wins).
CREATE TABLE purchase_lines (
  workspace_id text NOT NULL,
  source text NOT NULL,
  line_id text NOT NULL,
  purchase_id text NOT NULL,
  line_no bigint,
  product_id text,
  product_name text,
  quantity numeric,
  price numeric,
  amount numeric,
  discount numeric,
  event_seq bigint NOT NULL,
  PRIMARY KEY (workspace_id, source, line_id)
);
CREATE INDEX purchase_lines_by_purchase ON purchase_lines (workspace_id, source, purchase_id, line_no);
