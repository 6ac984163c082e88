package store

import (
	"context"
	"fmt"
)

// sealClearTexts finishes migration 0005 once the data keys are there: it
// seals each report's routing explanation and the operator address of each
// event an operator caused under the report's data key, a batch per
// transaction (a crash resumes where it stopped), then drops the clear
// column, gives the sealed one its name and, when it sealed anything,
// compacts the database. A database that has done so has no why_sealed
// column, and nothing is done.
func (db *DB) sealClearTexts(ctx context.Context) error {
	pending, err := db.hasColumn(ctx, "reports", "why_sealed")
	if err != nil || !pending {
		return err
	}
	sealed := 0
	for _, step := range []func(*Tx) (int, error){sealWhys, sealActors} {
		for {
			n := 0
			err := db.Write(ctx, func(tx *Tx) error {
				var err error
				n, err = step(tx)
				return err
			})
			if err != nil {
				return fmt.Errorf("store: sealing clear texts: %w", err)
			}
			if n == 0 {
				break
			}
			sealed += n
		}
	}
	err = db.Write(ctx, func(tx *Tx) error {
		if _, err := tx.exec(`ALTER TABLE reports DROP COLUMN why`); err != nil {
			return err
		}
		_, err := tx.exec(`ALTER TABLE reports RENAME COLUMN why_sealed TO why`)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: sealing clear texts: %w", err)
	}
	if sealed == 0 {
		return nil // a new database: nothing was ever in clear
	}
	return db.compact(ctx)
}

// compact rewrites the database file without its free pages, and empties
// the WAL: the clear values an upgrade replaced leave no copy behind in
// either (the writer zeroes what it deletes from now on, but the pages of
// an older release were freed without).
func (db *DB) compact(ctx context.Context) error {
	if _, err := db.w.ExecContext(ctx, `VACUUM`); err != nil {
		return fmt.Errorf("store: compacting: %w", err)
	}
	if _, err := db.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("store: compacting: %w", err)
	}
	return nil
}

// upgradeBatch is how many rows one transaction of sealClearTexts seals.
const upgradeBatch = 500

// sealWhys seals the next batch of clear routing explanations and returns
// how many it sealed. An erased report's is not kept (rowKey.seal): its
// sealed column is left empty, not NULL, so that the next batch does not
// select it again.
func sealWhys(tx *Tx) (int, error) {
	rows, err := tx.textRows(`SELECT id, id, why FROM reports WHERE why != '' AND why_sealed IS NULL ORDER BY id LIMIT ?`)
	if err != nil {
		return 0, err
	}
	for _, r := range rows {
		k, err := tx.keyFor(r.report)
		if err != nil {
			return 0, err
		}
		if _, err := tx.exec(`UPDATE reports SET why_sealed = ? WHERE id = ?`, notNull(k.seal("reports", "why", r.id, r.text)), r.id); err != nil {
			return 0, err
		}
	}
	return len(rows), nil
}

// sealActors seals the next batch of operator addresses in the event log
// and returns how many it sealed.
func sealActors(tx *Tx) (int, error) {
	rows, err := tx.textRows(`SELECT id, report_id, actor FROM events WHERE actor LIKE '%@%' ORDER BY id LIMIT ?`)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	restore, err := tx.suspendAppendOnly()
	if err != nil {
		return 0, err
	}
	for _, r := range rows {
		k, err := tx.keyFor(r.report)
		if err != nil {
			return 0, err
		}
		if _, err := tx.exec(`UPDATE events SET actor = ?, actor_address = ? WHERE id = ?`,
			ActorOperator, k.seal("events", "actor_address", r.id, r.text), r.id); err != nil {
			return 0, err
		}
	}
	return len(rows), restore()
}

// textRow is a row's id, its report and a text of it.
type textRow struct {
	id, report int64
	text       string
}

// textRows reads up to upgradeBatch (id, report, text) rows.
func (t *Tx) textRows(query string) ([]textRow, error) {
	rows, err := t.query(query, upgradeBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []textRow
	for rows.Next() {
		var r textRow
		if err := rows.Scan(&r.id, &r.report, &r.text); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// hasColumn reports whether a table has a column.
func (db *DB) hasColumn(ctx context.Context, table, column string) (bool, error) {
	var n int
	err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info(?) WHERE name = ?`, table, column).Scan(&n)
	return n > 0, err
}
