-- Hourly caps count a sender by the mailbox an address delivers to
-- (fold.Mailbox: without its +detail, Gmail's dots dropped), not by the
-- address as written, so that "an+1@" and "an+2@" share one cap:
-- outbox.rcpt_cap is that keyed hash of a mail's recipient (the automatic
-- replies a sender got, the answers an operator got), messages.sender_cap
-- of a message's sender (the follow-ups a sender had forwarded, the
-- reports a sender sent in an hour). Rows written before have none: they
-- count toward no cap, for the hour after the upgrade.

ALTER TABLE outbox ADD COLUMN rcpt_cap BLOB;
ALTER TABLE messages ADD COLUMN sender_cap BLOB;
CREATE INDEX outbox_rcpt_cap ON outbox (rcpt_cap, kind, created_at) WHERE rcpt_cap IS NOT NULL;
CREATE INDEX messages_sender_cap ON messages (sender_cap, kind, reason, processed_at) WHERE sender_cap IS NOT NULL;
CREATE INDEX messages_report_reason ON messages (report_id, kind, reason, processed_at) WHERE report_id IS NOT NULL;
