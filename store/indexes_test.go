package store

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestNoIndexCoveredByAnother holds the schema to indexes that each pay
// for themselves: an index whose columns lead another index of the same
// table, which holds every row it holds (not partial, or partial on its
// first column being set, which a search by that column implies), serves
// no search the other does not, and costs every insert a b-tree more.
func TestNoIndexCoveredByAnother(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ix := schemaIndexes(t, db)
	for _, a := range ix {
		for _, b := range ix {
			if a.name == b.name || a.table != b.table || a.partial || len(a.columns) >= len(b.columns) {
				continue
			}
			if !slices.Equal(a.columns, b.columns[:len(a.columns)]) {
				continue
			}
			if !b.partial || b.where == a.columns[0]+" IS NOT NULL" {
				t.Errorf("index %s (%s) leads %s (%s): every search of it can use %s",
					a.name, strings.Join(a.columns, ", "), b.name, strings.Join(b.columns, ", "), b.name)
			}
		}
	}
}

// TestMessagesOfReportSearched checks that every statement reaching a
// report's messages by its id searches an index, not the table, now that
// messages_report_reason is the only index on report_id.
func TestMessagesOfReportSearched(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	for _, q := range []string{
		`SELECT ` + messageColumns + ` FROM messages m LEFT JOIN reports r ON r.id = m.report_id WHERE m.report_id = ? ORDER BY m.id`,
		`SELECT count(*) FROM messages WHERE report_id = ? AND kind = 'reply' AND reason = ?`,
		`UPDATE messages SET raw = NULL, raw_key = '' WHERE report_id = ?`,
		`DELETE FROM reports WHERE id = ?`, // the foreign key's check of the messages naming it
	} {
		plan := explain(t, db, q, 1, 2)
		if !strings.Contains(plan, "INDEX messages_report_reason (report_id=?") ||
			strings.Contains(plan, "SCAN m") || strings.Contains(plan, "SCAN messages") {
			t.Errorf("%s: plan\n%s", q, plan)
		}
	}
}

// schemaIndex is one index of the schema: its table, columns in order, and
// its WHERE clause when it is partial.
type schemaIndex struct {
	name, table string
	columns     []string
	partial     bool
	where       string
}

func schemaIndexes(t *testing.T, db *DB) []schemaIndex {
	t.Helper()
	ctx := context.Background()
	rows, err := db.r.QueryContext(ctx, `SELECT name, tbl_name, coalesce(sql, '') FROM sqlite_schema WHERE type = 'index'`)
	if err != nil {
		t.Fatal(err)
	}
	var out []schemaIndex
	for rows.Next() {
		var s schemaIndex
		var sql string
		if err := rows.Scan(&s.name, &s.table, &sql); err != nil {
			t.Fatal(err)
		}
		if i := strings.Index(sql, " WHERE "); i >= 0 {
			s.partial, s.where = true, strings.TrimSpace(sql[i+len(" WHERE "):])
		}
		out = append(out, s)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	for i := range out {
		cols, err := db.r.QueryContext(ctx, `SELECT coalesce(name, '') FROM pragma_index_info(?) ORDER BY seqno`, out[i].name)
		if err != nil {
			t.Fatal(err)
		}
		for cols.Next() {
			var c string
			if err := cols.Scan(&c); err != nil {
				t.Fatal(err)
			}
			out[i].columns = append(out[i].columns, c)
		}
		if err := cols.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
