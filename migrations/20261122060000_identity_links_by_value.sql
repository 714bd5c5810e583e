-- A link goes stale when the value it was made over changes hands (a card
-- moved to another customer, a merge): the apply step finds the links over
-- the values a profile now holds by this index.
CREATE INDEX identity_links_by_value ON identity_links (workspace_id, kind, value) WHERE undone_at IS NULL;
