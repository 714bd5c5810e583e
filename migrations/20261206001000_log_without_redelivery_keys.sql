-- An event's stream and body hash tell a redelivered copy of an event
-- without identity from a new one; they are kept where that is decided
-- (pending_acks), and nothing ever read them from the log. Every event
-- carried them there.
ALTER TABLE events DROP COLUMN stream_key;
ALTER TABLE events DROP COLUMN body_hash;
