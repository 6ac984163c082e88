-- Lead agencies (Art 7.1, SPEC 3): a report that concerns several agencies
-- is forwarded to a lead, which resolves it and answers for its deadline,
-- and to co-agencies that work with it. reports.co_agencies holds their
-- codes, comma-separated, '' when none; events.co_agencies the co-agencies
-- of the report after each event, as events.agency holds its agency, so
-- that the statistics of a past period name the agencies that worked on a
-- report then. Codes of the routing table only.

ALTER TABLE reports ADD COLUMN co_agencies TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN co_agencies TEXT NOT NULL DEFAULT '';
