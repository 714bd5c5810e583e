-- Profile fields as one document per profile and field type instead of one
-- row per field: an SQL import brings a dozen fields for each customer, and
-- the twelve rows (and twelve index entries) were the largest part of its
-- write. Each entry of the document keeps what the row kept, so the latest
-- change still wins per field: {"v": value, "at": changed_at, "seq": event_seq}.
CREATE TABLE profile_field_values (
  workspace_id text NOT NULL,
  customer_key text NOT NULL,
  field_type text NOT NULL,
  fields json NOT NULL,
  PRIMARY KEY (workspace_id, customer_key, field_type)
);

INSERT INTO profile_field_values (workspace_id, customer_key, field_type, fields)
SELECT workspace_id, customer_key, field_type, json_object_agg(name, json_build_object('v', value, 'at', changed_at, 'seq', event_seq))
  FROM profile_fields
 GROUP BY workspace_id, customer_key, field_type;

DROP TABLE profile_fields;

-- The fields one per row, as they were stored before, for reading.
CREATE VIEW profile_fields AS
SELECT d.workspace_id, d.customer_key, d.field_type, f.key AS name, f.value ->> 'v' AS value,
       (f.value ->> 'at')::timestamptz AS changed_at, (f.value ->> 'seq')::bigint AS event_seq
  FROM profile_field_values d
 CROSS JOIN LATERAL json_each(d.fields) AS f;
