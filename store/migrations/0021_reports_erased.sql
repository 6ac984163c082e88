-- The reports erased, for the strays' retention (EraseStrays), which
-- empties the keyed hashes of the messages recorded about a report after
-- its erasure: without it, each of its runs would read the whole reports
-- table in the writer's transaction. Partial: a report not erased, which
-- is nearly every one written, adds nothing to it.
CREATE INDEX reports_erased ON reports (erased_at) WHERE erased_at IS NOT NULL;
