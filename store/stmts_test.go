package store

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestQueryAgainWhileRowsOpen: a query run again in a transaction while
// rows of it are still open — whole, or for its first row — in the
// writer's transaction and in a reader's, with its statement prepared,
// reads its rows whole, and so do the rows left open: the second run is
// not given the statement the first one is stepping through, which rows
// read to their end give back.
func TestQueryAgainWhileRowsOpen(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	var want []string
	for i := range 5 {
		err := db.Write(ctx, func(tx *Tx) error {
			r, err := tx.CreateReport(sample(time.Date(2026, 11, 23, 1, i, 0, 0, time.UTC)))
			want = append(want, r.Code)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	const q = `SELECT code FROM reports ORDER BY id`
	codes := func(tx *Tx) ([]string, error) { return column(tx, q) }
	firstCode := func(tx *Tx) ([]string, error) {
		var code string
		err := tx.queryRow(q).Scan(&code)
		return []string{code}, err
	}
	for _, c := range []struct {
		name  string
		run   func(context.Context, func(*Tx) error) error
		again func(*Tx) ([]string, error)
		want  []string
	}{
		{"writer, query", db.Write, codes, want},
		{"writer, row", db.Write, firstCode, want[:1]},
		{"reader, query", db.Read, codes, want},
		{"reader, row", db.Read, firstCode, want[:1]},
	} {
		// The first run prepares the statement: the writer's at once, a
		// reader's once its transaction has ended.
		if err := c.run(ctx, func(tx *Tx) error { _, err := codes(tx); return err }); err != nil {
			t.Fatal(err)
		}
		var first, again []string
		err := c.run(ctx, func(tx *Tx) error {
			if tx.prepared(q) == nil {
				t.Errorf("%s: the query is not prepared", c.name)
			}
			rows, err := tx.query(q)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var code string
				if err := rows.Scan(&code); err != nil {
					return err
				}
				first = append(first, code)
				if len(first) == 2 {
					if again, err = c.again(tx); err != nil {
						return err
					}
				}
			}
			if len(tx.reading) != 0 {
				t.Errorf("%s: rows read to their end still hold %q", c.name, tx.reading)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !slices.Equal(first, want) || !slices.Equal(again, c.want) {
			t.Errorf("%s: read %q, and again while open %q; want %q and %q", c.name, first, again, want, c.want)
		}
	}
}
