-- An e-mail attribute of only blanks was stored as the lookup value '':
-- every profile with one matched every other (a lookup, and the identity
-- link rule when it includes e-mails). Such a value names no one: it is no
-- longer a lookup value, and the links it made go (they are no one's word;
-- undone links stay, as the operator's record).
UPDATE attributes SET lookup_kind = NULL, lookup_value = NULL WHERE lookup_kind = 'email' AND lookup_value = '';
DELETE FROM identity_links WHERE kind = 'email' AND value = '' AND undone_at IS NULL;
