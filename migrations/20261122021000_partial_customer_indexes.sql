-- Most profiles have no uid or code (SQL imports, Capillary) and are merged
-- into nothing; indexing only the rows that have a value spares every new
-- profile three index entries. Lookups by these columns compare with "=",
-- which the planner knows implies NOT NULL, so they use these indexes.
DROP INDEX customers_by_uid;
CREATE INDEX customers_by_uid ON customers (workspace_id, customer_uid) WHERE customer_uid IS NOT NULL;
DROP INDEX customers_by_code;
CREATE INDEX customers_by_code ON customers (workspace_id, customer_code) WHERE customer_code IS NOT NULL;
DROP INDEX customers_by_merge_target;
CREATE INDEX customers_by_merge_target ON customers (workspace_id, merged_into) WHERE merged_into IS NOT NULL;
