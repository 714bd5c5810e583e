-- Bonus commands (addCustomerPointMessage and its companions): the durable
-- command queue, the bonus customers, the accrual ledger and the information
-- messages. Every row carries its workspace_id; no query may omit it.

-- The durable queue: one row per command the API accepted (stage one),
-- written in one statement before the answer. `items` holds the items that
-- passed stage one, validated and normalised ([{itemNo, kind, item}]);
-- `results` the verdict of every item as answered; `outcomes` what the
-- background process decided for each queued item ([{itemNo, status, error,
-- customer}]). A command is processed whole, in one transaction, in seq order.
CREATE TABLE bonus_commands (
  seq bigint GENERATED ALWAYS AS IDENTITY,
  workspace_id text NOT NULL,
  command_id uuid NOT NULL,
  type_of_command text NOT NULL,
  received_at timestamptz NOT NULL,
  state text NOT NULL,
  item_count integer NOT NULL,
  queued_count integer NOT NULL,
  items json NOT NULL,
  results json NOT NULL,
  outcomes json,
  processed_at timestamptz,
  PRIMARY KEY (workspace_id, command_id),
  UNIQUE (workspace_id, seq),
  CHECK (state IN ('queued', 'done'))
);
-- The oldest queued command of any workspace (which workspace goes next), and
-- a workspace's queued commands in order (what a batch claims).
-- The JSON documents are stored uncompressed: compressing half a megabyte
-- would cost more of the answer's time than writing it.
ALTER TABLE bonus_commands ALTER COLUMN items SET STORAGE EXTERNAL;
ALTER TABLE bonus_commands ALTER COLUMN results SET STORAGE EXTERNAL;
ALTER TABLE bonus_commands ALTER COLUMN outcomes SET STORAGE EXTERNAL;
CREATE INDEX bonus_commands_oldest_queued ON bonus_commands (seq) WHERE state = 'queued';
CREATE INDEX bonus_commands_queued ON bonus_commands (workspace_id, seq) WHERE state = 'queued';

-- One row per guid an add item succeeded with: one operation per guid. A
-- repeated guid finds its row and is refused; the key makes a second success
-- impossible even if the check were skipped.
CREATE TABLE bonus_applied_guids (
  workspace_id text NOT NULL,
  guid text NOT NULL,
  command_id uuid NOT NULL,
  item_no integer NOT NULL,
  PRIMARY KEY (workspace_id, guid)
);

-- The bonus account of a customer, identified by uniqId (the "login").
-- balance is the sum of the customer's ledger operations, kept in the same
-- transaction as each operation (room is left in the pages so that update is
-- usually HOT). A phone belongs to at most one customer; the
-- check is deferred to commit so one batch may move a number between customers
-- in any statement order. E-mails need not be unique (FAQ 5).
CREATE TABLE bonus_customers (
  workspace_id text NOT NULL,
  uniq_id text NOT NULL,
  phone text,
  email text,
  email_lookup text,
  status text NOT NULL,
  balance numeric NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  activated_at timestamptz,
  blocked_at timestamptz,
  updated_at timestamptz NOT NULL,
  created_by_command uuid,
  created_by_item integer,
  PRIMARY KEY (workspace_id, uniq_id),
  CONSTRAINT bonus_customers_phone_unique UNIQUE (workspace_id, phone) DEFERRABLE INITIALLY DEFERRED,
  CHECK (status IN ('New', 'Active', 'Blocked'))
) WITH (fillfactor = 70);
CREATE INDEX bonus_customers_by_email ON bonus_customers (workspace_id, email_lookup);

-- The ledger: one row per operation, never updated. Each names the command and
-- item it came from; uniq_id is the customer credited (requested_uniq_id the
-- one the item named: they differ when FAQ 7 sends points to the e-mail's owner).
CREATE TABLE bonus_operations (
  seq bigint GENERATED ALWAYS AS IDENTITY,
  workspace_id text NOT NULL,
  guid text NOT NULL,
  uniq_id text NOT NULL,
  requested_uniq_id text NOT NULL,
  kind text NOT NULL,
  amount numeric NOT NULL,
  info text,
  event_id text,
  event_date timestamptz,
  event_type text,
  operation_type text,
  operation_amount numeric,
  merchant_name text,
  bank_product text,
  mcc text,
  command_id uuid NOT NULL,
  item_no integer NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, seq),
  UNIQUE (workspace_id, guid),
  CHECK (kind IN ('accrual'))
);
CREATE INDEX bonus_operations_by_customer ON bonus_operations (workspace_id, uniq_id, created_at);
-- The ledger is append-only and created_at grows with it: a BRIN index finds a
-- period for a fraction of a B-tree's upkeep.
CREATE INDEX bonus_operations_by_time ON bonus_operations USING brin (created_at);

-- Information messages, shown at each authorisation until shown show_count
-- times or show_till has passed.
CREATE TABLE bonus_messages (
  workspace_id text NOT NULL,
  guid text NOT NULL,
  uniq_id text NOT NULL,
  message text NOT NULL,
  show_count integer NOT NULL,
  shown_count integer NOT NULL DEFAULT 0,
  show_till timestamptz,
  created_at timestamptz NOT NULL,
  last_shown_at timestamptz,
  command_id uuid NOT NULL,
  command_seq bigint NOT NULL,
  item_no integer NOT NULL,
  PRIMARY KEY (workspace_id, guid)
);
CREATE INDEX bonus_messages_to_show ON bonus_messages (workspace_id, uniq_id) WHERE shown_count < show_count;
