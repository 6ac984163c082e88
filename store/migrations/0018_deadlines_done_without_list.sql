-- The partial index of the deadlines completed named their states as a list,
-- `state IN ('met', 'late', 'excused')`, which SQLite evaluates through a
-- temporary b-tree of the list at every write of a deadline (migration
-- 0017 says why); as comparisons joined by OR it selects the same rows. The
-- query it serves (Tx.StepsBetween) names it the same way.
DROP INDEX deadlines_done;
CREATE INDEX deadlines_done ON deadlines (done_at) WHERE state = 'met' OR state = 'late' OR state = 'excused';
