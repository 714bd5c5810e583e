-- The log and the receipts keep their documents as json, not jsonb: json
-- stores the text as sent (key order included) and costs a fraction of
-- jsonb's conversion to write, and nothing queries inside these documents
-- (the erasure marker is read with ->>, which json has too).
ALTER TABLE events ALTER COLUMN payload TYPE json USING payload::json;
ALTER TABLE purchases ALTER COLUMN items TYPE json USING items::json;
ALTER TABLE purchases ALTER COLUMN withdraws TYPE json USING withdraws::json;
ALTER TABLE purchases ALTER COLUMN rewards TYPE json USING rewards::json;
ALTER TABLE purchases ALTER COLUMN purchase_attributes TYPE json USING purchase_attributes::json;
ALTER TABLE refunds ALTER COLUMN items TYPE json USING items::json;
ALTER TABLE refunds ALTER COLUMN withdraws TYPE json USING withdraws::json;
ALTER TABLE refunds ALTER COLUMN rewards TYPE json USING rewards::json;
