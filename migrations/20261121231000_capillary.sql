-- Capillary event notifications (issue 3): webhook secrets, identifiers of
-- any source, profile fields, per-channel subscriptions, groups with their
-- points ledger, identity links between sources, and PII-erasure tombstones.
-- Every row carries its workspace_id; no query may omit it.

-- The secret itself is kept (not a hash): an HMAC signature can only be
-- checked with it. auth_mode: signature | token | both | either.
CREATE TABLE webhook_secrets (
  workspace_id text NOT NULL REFERENCES workspaces (id),
  source text NOT NULL,
  secret text NOT NULL,
  auth_mode text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, source)
);

-- Every identifier a profile carries, per channel (instore, facebook, wechat
-- ...). lookup_value is the normalised form searched by (digits of a phone,
-- lower-case e-mail). A "single" identifier (the one instore mobile, e-mail,
-- external id) has slot '' and is replaced by a newer value; the others have
-- their value as slot and accumulate.
CREATE TABLE customer_identifiers (
  workspace_id text NOT NULL,
  customer_key text NOT NULL,
  channel text NOT NULL,
  kind text NOT NULL,
  slot text NOT NULL,
  value text NOT NULL,
  lookup_value text NOT NULL,
  seen_at timestamptz NOT NULL,
  event_seq bigint NOT NULL,
  PRIMARY KEY (workspace_id, customer_key, channel, kind, slot)
);
CREATE INDEX customer_identifiers_lookup ON customer_identifiers (workspace_id, lookup_value, kind);

-- Profile fields by type (standard, custom, extended): the value with the
-- latest change time wins; field_changes keeps what the source reported as
-- changed (previous and current value).
CREATE TABLE profile_fields (
  workspace_id text NOT NULL,
  customer_key text NOT NULL,
  field_type text NOT NULL,
  name text NOT NULL,
  value text,
  changed_at timestamptz NOT NULL,
  event_seq bigint NOT NULL,
  PRIMARY KEY (workspace_id, customer_key, field_type, name)
);

CREATE TABLE profile_field_changes (
  workspace_id text NOT NULL,
  event_seq bigint NOT NULL,
  field_type text NOT NULL,
  name text NOT NULL,
  customer_key text NOT NULL,
  previous_value text,
  current_value text,
  changed_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, event_seq, field_type, name)
);
CREATE INDEX profile_field_changes_by_customer ON profile_field_changes (workspace_id, customer_key);

-- Subscription state per channel, source account and priority
-- (transactional / promotional); the latest change wins.
CREATE TABLE channel_subscriptions (
  workspace_id text NOT NULL,
  customer_key text NOT NULL,
  channel text NOT NULL,
  source_account_id text NOT NULL,
  priority text NOT NULL,
  status text,
  previous_status text,
  source_name text,
  ou_id text,
  ou_code text,
  changed_at timestamptz NOT NULL,
  event_seq bigint NOT NULL,
  PRIMARY KEY (workspace_id, customer_key, channel, source_account_id, priority)
);

CREATE TABLE customer_groups (
  workspace_id text NOT NULL,
  source text NOT NULL,
  group_id text NOT NULL,
  name text,
  primary_customer_key text,
  created_at timestamptz,
  changed_at timestamptz NOT NULL,
  event_seq bigint NOT NULL,
  PRIMARY KEY (workspace_id, source, group_id)
);

-- status: active | removed; the latest change wins.
CREATE TABLE group_members (
  workspace_id text NOT NULL,
  source text NOT NULL,
  group_id text NOT NULL,
  customer_key text NOT NULL,
  role text,
  status text NOT NULL,
  changed_at timestamptz NOT NULL,
  event_seq bigint NOT NULL,
  PRIMARY KEY (workspace_id, source, group_id, customer_key)
);
CREATE INDEX group_members_by_customer ON group_members (workspace_id, customer_key);

-- The points ledger of a group: one entry per contribution event.
CREATE TABLE group_points (
  workspace_id text NOT NULL,
  event_seq bigint NOT NULL,
  source text NOT NULL,
  group_id text NOT NULL,
  contributor_key text NOT NULL,
  points numeric NOT NULL,
  loyalty_program_id text,
  loyalty_program jsonb,
  activity jsonb,
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, event_seq)
);
CREATE INDEX group_points_by_group ON group_points (workspace_id, source, group_id);
CREATE INDEX group_points_by_contributor ON group_points (workspace_id, contributor_key);

-- Customers an event mentions besides the one it is addressed to (the other
-- members in a group event), so that erasing one finds every payload naming them.
CREATE TABLE event_subjects (
  workspace_id text NOT NULL,
  customer_key text NOT NULL,
  event_seq bigint NOT NULL,
  PRIMARY KEY (workspace_id, customer_key, event_seq)
);

-- Which identifier kinds link profiles of different sources; no row means
-- the default (card numbers and external ids).
CREATE TABLE identity_link_rules (
  workspace_id text PRIMARY KEY REFERENCES workspaces (id),
  link_kinds jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A link between two profiles of different sources sharing an identifier
-- (key_a < key_b). An undone link keeps its row, so it is never re-created.
CREATE TABLE identity_links (
  workspace_id text NOT NULL,
  key_a text NOT NULL,
  key_b text NOT NULL,
  kind text,
  value text,
  linked_at timestamptz,
  linked_by_seq bigint,
  undone_at timestamptz,
  undone_by_seq bigint,
  PRIMARY KEY (workspace_id, key_a, key_b)
);
CREATE INDEX identity_links_by_b ON identity_links (workspace_id, key_b);

-- The non-identifying tombstone of a customer whose personal data was erased:
-- later events for the key are recognised and stored without personal data.
CREATE TABLE erased_customers (
  workspace_id text NOT NULL,
  customer_key text NOT NULL,
  erased_at timestamptz NOT NULL,
  event_seq bigint NOT NULL,
  PRIMARY KEY (workspace_id, customer_key)
);

-- Card lookups and identity links search cards by number across sources;
-- the link step first asks whether the workspace has profiles of another
-- source at all.
CREATE INDEX cards_by_number ON cards (workspace_id, card_number);
CREATE INDEX customers_by_source ON customers (workspace_id, source);
