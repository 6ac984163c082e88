-- Two texts that held personal data in clear (SPEC 10.2).
--
-- reports.why, the routing's explanation, quotes the field the citizen
-- declared ("Lĩnh vực: …"), as written; events.actor named an operator by
-- email address. Both get a sealed column. The store's Go step that follows
-- the migrations (store/upgrade.go, sealClearTexts) seals the existing
-- values under each report's data key, then drops the clear why and gives
-- why_sealed its name; events.actor keeps only "system", "citizen" or
-- "operator".

ALTER TABLE reports ADD COLUMN why_sealed BLOB;
ALTER TABLE events ADD COLUMN actor_address BLOB;
