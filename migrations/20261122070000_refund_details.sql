-- A refund carries the same receipt details as a purchase (the Loymax refund
-- model: type, merchant uid and code, identity, cashier, location, partner,
-- brand, purchase attributes); they are kept and shown like a purchase's.
ALTER TABLE refunds
  ADD COLUMN operation_type text,
  ADD COLUMN merchant_uid text,
  ADD COLUMN merchant_code text,
  ADD COLUMN identity text,
  ADD COLUMN cashier_identifier text,
  ADD COLUMN location_id text,
  ADD COLUMN partner_id text,
  ADD COLUMN brand_id text,
  ADD COLUMN purchase_attributes json NOT NULL DEFAULT '[]';
