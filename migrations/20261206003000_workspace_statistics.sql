-- The service refreshes the planner's statistics of a table's workspace_id
-- whenever the table has doubled (table-statistics.ts): a young store is
-- otherwise planned as if each workspace held a few rows. A sample of 3,000
-- rows tells how the rows spread over the workspaces as well as 30,000 do,
-- at a tenth of the reading. PostgreSQL's own analysis of the whole table
-- still samples for its other columns' targets.
ALTER TABLE attribute_changes ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE attributes ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE bonus_applied_guids ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE bonus_commands ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE bonus_customers ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE bonus_messages ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE bonus_operations ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE card_changes ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE cards ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE catalog_categories ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE catalog_products ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE channel_subscriptions ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE customer_groups ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE customer_identifiers ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE customer_merges ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE customers ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE erased_customers ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE event_subjects ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE events ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE group_members ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE group_points ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE identity_links ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE imported_bonus_balances ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE pending_acks ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE profile_field_changes ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE profile_field_values ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE projection_failures ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE projection_queue ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE promo_codes ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE purchase_lines ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE purchases ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE refunds ALTER COLUMN workspace_id SET STATISTICS 10;
ALTER TABLE subscriptions ALTER COLUMN workspace_id SET STATISTICS 10;
