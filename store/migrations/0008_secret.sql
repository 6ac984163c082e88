-- State secrets (Art 9.1c, SPEC 3): an approver's /secret marks a report
-- whose result holds state secrets. Its result is then neither published
-- nor mailed: the citizen is told to contact the agency. Reports before
-- the command existed hold none.

ALTER TABLE reports ADD COLUMN secret INTEGER NOT NULL DEFAULT 0;
