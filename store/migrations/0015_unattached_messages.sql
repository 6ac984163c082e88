-- The retention job erases the personal data of the messages that belong
-- to no report (junk, quarantined, automatic replies, …) by the time they
-- were processed (store/strays.go).
CREATE INDEX messages_unattached ON messages (processed_at) WHERE report_id IS NULL;
