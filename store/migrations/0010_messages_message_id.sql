-- A command mail is recognised by its Message-ID and sender too (SPEC 7.3):
-- a copy with a header field added that its DKIM signature does not cover
-- has another digest, and must still change nothing.

CREATE INDEX messages_message_id ON messages (message_id_idx) WHERE message_id_idx IS NOT NULL;
