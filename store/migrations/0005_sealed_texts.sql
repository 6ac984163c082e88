-- Two texts that held personal data in clear, and the replay fingerprint of
-- incoming messages (SPEC 7.3, 10.2).
--
-- reports.why, the routing's explanation, quotes the field the citizen
-- declared ("Lĩnh vực: …"), as written; events.actor named an operator by
-- email address. Both get a sealed column. The store's Go step that follows
-- the migrations (store/upgrade.go, sealClearTexts) seals the existing
-- values under each report's data key, then drops the clear why and gives
-- why_sealed its name; events.actor keeps only "system", "citizen" or
-- "operator".
--
-- messages.digest_idx is the keyed hash of a message without the header
-- fields that mail servers add on the way (Received, Delivered-To, …): the
-- same message delivered again — a retry, a copy to another of our
-- addresses, a replay — is recognised by it and by its Message-ID.

ALTER TABLE reports ADD COLUMN why_sealed BLOB;
ALTER TABLE events ADD COLUMN actor_address BLOB;
ALTER TABLE messages ADD COLUMN digest_idx BLOB;
CREATE INDEX messages_digest ON messages (digest_idx) WHERE digest_idx IS NOT NULL;
