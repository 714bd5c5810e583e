-- A profile's last event is read from the log (the newest event of the
-- profile and of every key merged into it) instead of being written onto
-- the profile with every event: that rewrote nearly every profile a batch
-- touched only to move this time.
ALTER TABLE customers DROP COLUMN last_event_at;
