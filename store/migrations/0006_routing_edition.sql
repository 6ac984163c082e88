-- Reorganisations (SPEC 6.4). A report records the edition of the routing
-- table it was routed with ("appendix1", "2025"), so that the statistics of
-- a period can say that its reports were routed with two tables, and the
-- former unit whose name the citizen wrote (a code of that table,
-- "xa-hoa-tien"; '' when the citizen wrote the unit's own name), so that
-- notices name the new unit and the old one. Both are codes of the table,
-- never the citizen's text. Reports routed before read '' for both.

ALTER TABLE reports ADD COLUMN edition TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN former_unit TEXT NOT NULL DEFAULT '';
