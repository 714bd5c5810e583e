-- Core schema: workspaces and keys, the canonical event log, and the customer
-- profile projection fed by the apply pipeline. Every row carries its
-- workspace_id; no query may omit it.

CREATE TABLE workspaces (
  id text PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO workspaces (id, name) VALUES ('default', 'Default workspace');

-- Only a SHA-256 of the key is kept; the key itself is shown once at creation.
CREATE TABLE api_keys (
  id uuid PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces (id),
  name text NOT NULL,
  key_prefix text NOT NULL,
  key_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

-- The append-only canonical event log. event_id is derived from the source's
-- own identity (see README, "exactly once").
CREATE TABLE events (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id text NOT NULL,
  event_id uuid NOT NULL,
  source text NOT NULL,
  routing_key text,
  event_code text NOT NULL,
  customer_key text NOT NULL,
  stream_key text NOT NULL,
  body_hash text NOT NULL,
  message_id text,
  occurred_at timestamptz,
  received_at timestamptz NOT NULL,
  payload jsonb NOT NULL,
  UNIQUE (workspace_id, event_id)
);
CREATE INDEX events_by_customer ON events (workspace_id, customer_key, seq);

-- Events without an identity of their own that were applied from a broker
-- delivery not yet known to be acknowledged. A redelivered copy of such a
-- message matches a row here (and uses it up); the rows of a batch are
-- forgotten once its ack has reached the broker.
CREATE TABLE pending_acks (
  workspace_id text NOT NULL,
  event_seq bigint NOT NULL,
  batch_id uuid NOT NULL,
  stream_key text NOT NULL,
  body_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, event_seq)
);
CREATE INDEX pending_acks_by_stream ON pending_acks (workspace_id, stream_key);
CREATE INDEX pending_acks_by_batch ON pending_acks (workspace_id, batch_id);

CREATE TABLE customers (
  workspace_id text NOT NULL,
  customer_key text NOT NULL,
  source text NOT NULL,
  external_id text NOT NULL,
  customer_uid text,
  customer_code text,
  account_group_id text,
  identifier_id text,
  mobile_device_id text,
  application_id text,
  registration_started_at timestamptz,
  registration_completed_at timestamptz,
  merged_into text,
  merged_at timestamptz,
  first_seen_at timestamptz NOT NULL,
  last_event_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, customer_key)
);
CREATE INDEX customers_by_uid ON customers (workspace_id, customer_uid);
CREATE INDEX customers_by_code ON customers (workspace_id, customer_code);
CREATE INDEX customers_by_merge_target ON customers (workspace_id, merged_into);

CREATE TABLE cards (
  workspace_id text NOT NULL,
  source text NOT NULL,
  card_number text NOT NULL,
  customer_key text NOT NULL,
  card_id text,
  state text,
  card_type text,
  category text,
  bar_code text,
  strip1 text,
  strip2 text,
  strip3 text,
  blocked boolean,
  deleted boolean,
  activation_date timestamptz,
  link_type text,
  link_source text,
  replaced_by text,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, source, card_number)
);
CREATE INDEX cards_by_customer ON cards (workspace_id, customer_key);

CREATE TABLE card_changes (
  workspace_id text NOT NULL,
  source text NOT NULL,
  card_number text NOT NULL,
  event_seq bigint NOT NULL,
  change text NOT NULL,
  details jsonb NOT NULL,
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, source, card_number, event_seq)
);

CREATE TABLE attributes (
  workspace_id text NOT NULL,
  customer_key text NOT NULL,
  code text NOT NULL,
  attribute_id text,
  user_attribute_type text,
  value text,
  changed_at timestamptz NOT NULL,
  event_seq bigint NOT NULL,
  activity_uid text,
  -- normalised phone or e-mail, for lookups; null for other attributes
  lookup_kind text,
  lookup_value text,
  PRIMARY KEY (workspace_id, customer_key, code)
);
CREATE INDEX attributes_lookup ON attributes (workspace_id, lookup_kind, lookup_value) WHERE lookup_kind IS NOT NULL;

CREATE TABLE attribute_changes (
  workspace_id text NOT NULL,
  event_seq bigint NOT NULL,
  customer_key text NOT NULL,
  code text NOT NULL,
  old_value text,
  new_value text,
  changed_at timestamptz NOT NULL,
  activity_uid text,
  from_batch_operation boolean,
  PRIMARY KEY (workspace_id, event_seq)
);
CREATE INDEX attribute_changes_by_customer ON attribute_changes (workspace_id, customer_key, code);

CREATE TABLE subscriptions (
  workspace_id text NOT NULL,
  customer_key text NOT NULL,
  type_code text NOT NULL,
  type_id text,
  type_name text,
  mailing_subscription_type text,
  mail text,
  push text,
  sms text,
  viber text,
  chat_bot text,
  social_networks text,
  event_seq bigint NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, customer_key, type_code)
);

CREATE TABLE purchases (
  workspace_id text NOT NULL,
  source text NOT NULL,
  purchase_id text NOT NULL,
  customer_key text NOT NULL,
  external_purchase_id text,
  cheque_number text,
  amount numeric,
  occurred_at timestamptz,
  operation_type text,
  merchant_id text,
  merchant_uid text,
  merchant_code text,
  device_code text,
  identity text,
  cashier_identifier text,
  description text,
  location_id text,
  partner_id text,
  brand_id text,
  currency_external_id text,
  items jsonb NOT NULL,
  withdraws jsonb NOT NULL,
  rewards jsonb NOT NULL,
  purchase_attributes jsonb NOT NULL,
  event_seq bigint NOT NULL,
  PRIMARY KEY (workspace_id, source, purchase_id)
);
CREATE INDEX purchases_by_customer ON purchases (workspace_id, customer_key, occurred_at);
CREATE INDEX purchases_by_external_id ON purchases (workspace_id, source, external_purchase_id);

-- A refund is kept even when its purchase has not arrived yet; it is linked
-- to the purchase by id (or external id) when read.
CREATE TABLE refunds (
  workspace_id text NOT NULL,
  source text NOT NULL,
  refund_id text NOT NULL,
  customer_key text NOT NULL,
  refunded_purchase_id text,
  refunded_external_purchase_id text,
  external_purchase_id text,
  cheque_number text,
  amount numeric,
  occurred_at timestamptz,
  merchant_id text,
  device_code text,
  description text,
  currency_external_id text,
  items jsonb NOT NULL,
  withdraws jsonb NOT NULL,
  rewards jsonb NOT NULL,
  event_seq bigint NOT NULL,
  PRIMARY KEY (workspace_id, source, refund_id)
);
CREATE INDEX refunds_by_customer ON refunds (workspace_id, customer_key);
CREATE INDEX refunds_by_purchase ON refunds (workspace_id, source, refunded_purchase_id);
CREATE INDEX refunds_by_external_purchase ON refunds (workspace_id, source, refunded_external_purchase_id);

CREATE TABLE customer_merges (
  workspace_id text NOT NULL,
  event_seq bigint NOT NULL,
  from_key text NOT NULL,
  to_key text NOT NULL,
  merged_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, event_seq)
);
