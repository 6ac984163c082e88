-- The difficulties of a period (SPEC 9.5, Art 13.4): a confirmed extension
-- leaves the report's state as it was, so it is found by its event's
-- reason ("extended"), as rejections and ratings record theirs.

CREATE INDEX events_reasons ON events (reason, at) WHERE reason != '';
