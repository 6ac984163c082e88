-- A command mail is recognised by what its DKIM signature covers too (SPEC
-- 7.3): the keyed hash of its sender, its last Date and Subject, and its
-- body as each of its signatures covers it (intake/signed.go), one row per
-- signature. A copy with a new Message-ID and fields the signature does not
-- cover still changes nothing. An erasure empties key_idx.

CREATE TABLE signed_keys (
	message_id INTEGER NOT NULL REFERENCES messages (id),
	report_id  INTEGER REFERENCES reports (id),
	key_idx    BLOB
) STRICT;
CREATE INDEX signed_keys_key ON signed_keys (key_idx) WHERE key_idx IS NOT NULL;
