-- A CHECK constraint that lists a column's values, `col IN ('a', 'b', 'c')`,
-- makes SQLite build a temporary b-tree of the list each time a statement
-- writes the column (a list of three constants or more): some eleven times
-- for each report the writer takes in, one for each row of these tables it
-- writes. The same constraints written as comparisons joined by OR allow
-- exactly the same values (a NULL, refused by NOT NULL, passes either) and
-- cost a few comparisons. Only the text of the tables' definitions changes,
-- no row: the way SQLite documents for changing a CHECK constraint in place
-- (lang_altertable.html, "making other kinds of table schema changes");
-- store.apply raises the schema version after a migration that writes the
-- schema, so that every connection reads it again. The partial index
-- deadlines_done keeps its list: the queries it serves name it as it is.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (state IN (''received'', ''forwarded'', ''resolved'', ''published'', ''closed'', ''rejected'', ''returned'', ''escalated''))',
	'CHECK (state = ''received'' OR state = ''forwarded'' OR state = ''resolved'' OR state = ''published'' OR state = ''closed'' OR state = ''rejected'' OR state = ''returned'' OR state = ''escalated'')')
	WHERE type = 'table' AND name = 'reports';
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (kind IN (''report'', ''reply'', ''command'', ''bounce'', ''autoreply'', ''junk'', ''duplicate'', ''quarantine''))',
	'CHECK (kind = ''report'' OR kind = ''reply'' OR kind = ''command'' OR kind = ''bounce'' OR kind = ''autoreply'' OR kind = ''junk'' OR kind = ''duplicate'' OR kind = ''quarantine'')')
	WHERE type = 'table' AND name = 'messages';
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (role IN (''report'', ''reply'', ''result''))',
	'CHECK (role = ''report'' OR role = ''reply'' OR role = ''result'')')
	WHERE type = 'table' AND name = 'attachments';
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (kind IN (''intake'', ''return'', ''resolve'', ''publish'', ''clarification''))',
	'CHECK (kind = ''intake'' OR kind = ''return'' OR kind = ''resolve'' OR kind = ''publish'' OR kind = ''clarification'')')
	WHERE type = 'table' AND name = 'deadlines';
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (state IN (''open'', ''met'', ''late'', ''excused'', ''superseded''))',
	'CHECK (state = ''open'' OR state = ''met'' OR state = ''late'' OR state = ''excused'' OR state = ''superseded'')')
	WHERE type = 'table' AND name = 'deadlines';
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (state IN (''queued'', ''sent'', ''failed'', ''suppressed''))',
	'CHECK (state = ''queued'' OR state = ''sent'' OR state = ''failed'' OR state = ''suppressed'')')
	WHERE type = 'table' AND name = 'outbox';
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (action IN (''show'', ''export'', ''subject'', ''erase'', ''retention'', ''hold'', ''release'', ''notice''))',
	'CHECK (action = ''show'' OR action = ''export'' OR action = ''subject'' OR action = ''erase'' OR action = ''retention'' OR action = ''hold'' OR action = ''release'' OR action = ''notice'')')
	WHERE type = 'table' AND name = 'access_log';
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (kind IN (''copy'', ''erasure'', ''other''))',
	'CHECK (kind = ''copy'' OR kind = ''erasure'' OR kind = ''other'')')
	WHERE type = 'table' AND name = 'requests';
PRAGMA writable_schema = OFF;
