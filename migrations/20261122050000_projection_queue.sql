-- Events accepted over HTTP (Capillary webhooks) are answered once they are
-- in the log; their projection onto the profiles follows in the background,
-- in larger batches. The queue holds the canonical form of each accepted
-- event until it is projected (the log keeps the original payload, not what
-- the adapter made of it); a row is deleted in the transaction that projects it.
CREATE TABLE projection_queue (
  workspace_id text NOT NULL,
  event_seq bigint NOT NULL,
  event json NOT NULL,
  PRIMARY KEY (workspace_id, event_seq)
);

-- An event that could not be projected (not an outage: the projection of
-- this one event failed on its own) waits here with the reason, for
-- `smartcom projection failures` and `smartcom projection retry`.
CREATE TABLE projection_failures (
  workspace_id text NOT NULL,
  event_seq bigint NOT NULL,
  customer_key text NOT NULL,
  event json NOT NULL,
  error text NOT NULL,
  failed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, event_seq)
);
