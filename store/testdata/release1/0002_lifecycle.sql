-- The lifecycle's facts beyond intake (SPEC 3, 7, 8.3): the result an agency
-- submitted (sealed, like every text), the message that carried it (its
-- files are the result's), when the result was submitted, published and
-- rated, and the state of a complex-case extension (Art 8.3). The outbox
-- gains the files a mail carries: a sealed JSON list of blob keys, names
-- and types, read by the mail worker when it sends.

ALTER TABLE reports ADD COLUMN result BLOB;
ALTER TABLE reports ADD COLUMN result_message_id INTEGER REFERENCES messages (id);
ALTER TABLE reports ADD COLUMN resolved_at INTEGER;
ALTER TABLE reports ADD COLUMN published_at INTEGER;
ALTER TABLE reports ADD COLUMN rated_at INTEGER;
ALTER TABLE reports ADD COLUMN extension_requested INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN extension_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN extension_confirmed INTEGER NOT NULL DEFAULT 0;

ALTER TABLE outbox ADD COLUMN attachments BLOB;
