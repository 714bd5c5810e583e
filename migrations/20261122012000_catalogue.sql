-- SQL import (issue 4): a source's catalogue (products, categories), the
-- bonus balances it keeps for its customers and its promo codes. Ids are
-- local to one source database, so every key holds the job's source name.
-- Every row carries its workspace_id; no query may omit it. event_seq is the
-- event that wrote the row: a later event wins (balances: a later date).

CREATE TABLE catalog_categories (
  workspace_id text NOT NULL,
  source_name text NOT NULL,
  local_id text NOT NULL,
  name text,
  parent_id text,
  event_seq bigint NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, source_name, local_id)
);

CREATE TABLE catalog_products (
  workspace_id text NOT NULL,
  source_name text NOT NULL,
  local_id text NOT NULL,
  name text,
  category_id text,
  price numeric,
  old_price numeric,
  vendor text,
  barcode text,
  url text,
  picture text,
  available boolean,
  description text,
  event_seq bigint NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, source_name, local_id)
);
-- The product list filtered by category, paged in key order.
CREATE INDEX catalog_products_by_category ON catalog_products (workspace_id, category_id, source_name, local_id);

-- One balance per profile and source. as_of is the source's date of the
-- balance, or when it was read when the source gives none; an older balance
-- never replaces a newer one. A merge moves the rows to the target profile.
CREATE TABLE imported_bonus_balances (
  workspace_id text NOT NULL,
  customer_key text NOT NULL,
  source_name text NOT NULL,
  balance numeric NOT NULL,
  pending numeric,
  as_of timestamptz NOT NULL,
  event_seq bigint NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, customer_key, source_name)
);

-- Promo codes, issued (customer_key set; a merge moves them) or not yet.
CREATE TABLE promo_codes (
  workspace_id text NOT NULL,
  source_name text NOT NULL,
  code text NOT NULL,
  customer_key text,
  promo_id text,
  status text,
  discount numeric,
  issued_at timestamptz,
  used_at timestamptz,
  expires_at timestamptz,
  event_seq bigint NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, source_name, code)
);
CREATE INDEX promo_codes_by_customer ON promo_codes (workspace_id, customer_key);
CREATE INDEX promo_codes_by_code ON promo_codes (workspace_id, code);
