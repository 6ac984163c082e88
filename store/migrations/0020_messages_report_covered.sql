-- The index of the messages by report duplicated the first column of
-- messages_report_reason (report_id, kind, reason, processed_at), partial
-- on report_id IS NOT NULL: every search of a report's messages (report_id
-- = ?, a join on it, the foreign key's check) can use that index, and the
-- messages of no report have messages_unattached. Every message of a
-- report added a row to both.
DROP INDEX messages_report;
