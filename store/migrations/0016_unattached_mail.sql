-- The retention job empties the mail sent about no report by the time it
-- was written (store/strays.go).
CREATE INDEX outbox_unattached ON outbox (created_at) WHERE report_id IS NULL;
