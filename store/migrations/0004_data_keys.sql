-- Per-report data keys (SPEC 10.5). Each report's personal data is sealed
-- under a data key of its own, kept in the key store apart from this
-- database; reports.key_id names it (a random id, no personal data).
-- reports.erased_at is when the report's personal data was last destroyed.
--
-- Blobs (raw messages, attachments, mail sent) get a random key each, which
-- only the blob's reference holds; a reference is sealed like any personal
-- value, under the key of the report the row belongs to: messages.raw,
-- attachments.blob and outbox.sent. They replace the clear content-hash
-- names of raw_key, blob_key and sent_key, which the data-key migration
-- (store/migrate.go) empties once it has moved their blobs; messages.raw_key
-- keeps the keyed content hash the duplicate check looks up.

ALTER TABLE reports ADD COLUMN key_id TEXT;
ALTER TABLE reports ADD COLUMN erased_at INTEGER;
ALTER TABLE messages ADD COLUMN raw BLOB;
ALTER TABLE attachments ADD COLUMN blob BLOB;
ALTER TABLE outbox ADD COLUMN sent BLOB;
