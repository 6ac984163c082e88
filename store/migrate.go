package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// The data-key migration moves a database written before per-report data
// keys (schema 3 and older) to them, in place: each report gets its data
// key, every value of its rows sealed under the general key is sealed again
// under it, and each of its version 1 blobs is copied into a new blob under
// a key of its own, whose reference the row keeps sealed. Rows about no
// report keep the general key; their blobs are copied too. Only then are
// the version 1 blob files deleted.
//
// It is resumable: reports are moved a batch per transaction, in the order
// of their ids, and the last id moved is recorded in the same transaction
// ('data_keys' in meta); a crash loses at most the batch under way, whose
// new blob copies are left behind unreferenced (and unreadable: their keys
// were never committed), and the next start goes on from there. Old blob
// files are deleted last, when nothing refers to them any more.

const (
	migrateBatch = 20
	dataKeysDone = "done"
	dataKeysMeta = "data_keys"
)

// migrateHook, when set (by tests), is called at each step of the
// migration; an error stops it there as a crash would.
var migrateHook func(step string) error

func hook(step string) error {
	if migrateHook == nil {
		return nil
	}
	return migrateHook(step)
}

// migrateKeys runs or resumes the data-key migration.
func (db *DB) migrateKeys(ctx context.Context) error {
	state, err := db.metaString(ctx, dataKeysMeta)
	if err != nil {
		return err
	}
	if state == dataKeysDone {
		return nil
	}
	if state == "" {
		fresh, err := db.empty(ctx)
		if err != nil {
			return err
		}
		if fresh {
			return db.setMeta(ctx, dataKeysMeta, dataKeysDone)
		}
	}
	through, _ := strconv.ParseInt(state, 10, 64)
	for {
		next, err := db.migrateReports(ctx, through)
		if err != nil {
			return fmt.Errorf("store: data-key migration: %w", err)
		}
		if next == through {
			break
		}
		through = next
	}
	if err := db.migrateUnowned(ctx); err != nil {
		return fmt.Errorf("store: data-key migration: %w", err)
	}
	if err := db.removeLegacyBlobs(); err != nil {
		return fmt.Errorf("store: data-key migration: %w", err)
	}
	return db.setMeta(ctx, dataKeysMeta, dataKeysDone)
}

// empty reports whether the database holds nothing sealed yet.
func (db *DB) empty(ctx context.Context) (bool, error) {
	var n int
	err := db.w.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM reports) + (SELECT count(*) FROM messages) + (SELECT count(*) FROM outbox)`).Scan(&n)
	return n == 0, err
}

func (db *DB) metaString(ctx context.Context, key string) (string, error) {
	var v []byte
	err := db.w.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: %w", err)
	}
	return string(v), nil
}

func (db *DB) setMeta(ctx context.Context, key, value string) error {
	return db.Write(ctx, func(tx *Tx) error { return tx.setMeta(key, value) })
}

func (t *Tx) setMeta(key, value string) error {
	_, err := t.exec(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, []byte(value))
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// migrateReports moves the next batch of reports after id through, in one
// transaction, and returns the last id moved (through when none was left).
func (db *DB) migrateReports(ctx context.Context, through int64) (int64, error) {
	last := through
	err := db.Write(ctx, func(tx *Tx) error {
		ids, err := tx.ids(`SELECT id FROM reports WHERE id > ? ORDER BY id LIMIT ?`, through, migrateBatch)
		if err != nil || len(ids) == 0 {
			return err
		}
		restore, err := tx.suspendAppendOnly()
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := tx.migrateReport(id); err != nil {
				return fmt.Errorf("report #%d: %w", id, err)
			}
			if err := hook("report"); err != nil {
				return err
			}
		}
		if err := restore(); err != nil {
			return err
		}
		last = ids[len(ids)-1]
		return tx.setMeta(dataKeysMeta, strconv.FormatInt(last, 10))
	})
	if err != nil {
		return through, err
	}
	return last, nil
}

func (t *Tx) ids(query string, args ...any) ([]int64, error) {
	rows, err := t.query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// suspendAppendOnly drops the triggers that keep events append-only for the
// current transaction, so that their values can be sealed again; the
// returned function puts them back, as they were, before the commit.
func (t *Tx) suspendAppendOnly() (func() error, error) {
	rows, err := t.query(`SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'events'`)
	if err != nil {
		return nil, err
	}
	var names, sqls []string
	for rows.Next() {
		var name, sql string
		if err := rows.Scan(&name, &sql); err != nil {
			rows.Close()
			return nil, err
		}
		names, sqls = append(names, name), append(sqls, sql)
	}
	rows.Close()
	for _, name := range names {
		if _, err := t.exec(`DROP TRIGGER "` + name + `"`); err != nil {
			return nil, err
		}
	}
	return func() error {
		for _, s := range sqls {
			if _, err := t.exec(s); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// migrateReport seals one report's values under its data key and moves its
// blobs.
func (t *Tx) migrateReport(id int64) error {
	k, err := t.keyFor(id)
	if err != nil {
		return err
	}
	m := &blobMover{blobs: t.db.blobs, moved: map[string]string{}}
	for _, st := range sealedColumns {
		if err := t.reseal(k, st, id); err != nil {
			return err
		}
	}
	return t.moveBlobs(k, m, "report_id = ?", id)
}

// reseal seals again under k every value of a report's rows in one table
// that the general key sealed.
func (t *Tx) reseal(k *rowKey, st sealedTable, report int64) error {
	rows, err := t.query(`SELECT id, `+st.list()+` FROM `+st.table+` WHERE `+st.report+` = ?`, report)
	if err != nil {
		return fmt.Errorf("%s: %w", st.table, err)
	}
	type change struct {
		id            int64
		column, plain string
	}
	var changes []change
	for rows.Next() {
		var id int64
		values := make([][]byte, len(st.columns))
		dest := []any{&id}
		for i := range values {
			dest = append(dest, &values[i])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return err
		}
		for i, v := range values {
			if len(v) == 0 || v[0] != sealGeneral {
				continue
			}
			plain, err := t.db.keys.open(st.table, st.columns[i], id, v)
			if err != nil {
				rows.Close()
				return err
			}
			changes = append(changes, change{id, st.columns[i], plain})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range changes {
		sealed := k.seal(st.table, c.column, c.id, c.plain)
		if _, err := t.exec(`UPDATE `+st.table+` SET `+c.column+` = ? WHERE id = ?`, sealed, c.id); err != nil {
			return fmt.Errorf("%s.%s: %w", st.table, c.column, err)
		}
	}
	return nil
}

// blobMover copies version 1 blobs into new blobs, each once per report.
type blobMover struct {
	blobs *Blobs
	moved map[string]string // version 1 reference → new reference
}

func (m *blobMover) move(ref string) (string, error) {
	if !legacyRef(ref) {
		return ref, nil
	}
	if to, ok := m.moved[ref]; ok {
		return to, nil
	}
	r, err := m.blobs.Open(ref)
	if errors.Is(err, ErrNoBlob) {
		return ref, nil // already missing before: nothing to move
	}
	if err != nil {
		return "", err
	}
	defer r.Close()
	w, err := m.blobs.Create()
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Abort()
		return "", fmt.Errorf("blob %s: %w", ref, err)
	}
	to, err := w.Commit()
	if err != nil {
		return "", err
	}
	m.moved[ref] = to
	return to, hook("blob")
}

// moveBlobs moves the version 1 blobs of the rows matching where (a
// report's, or those about no report) and seals their new references.
func (t *Tx) moveBlobs(k *rowKey, m *blobMover, where string, args ...any) error {
	type ref struct {
		table, column, legacy string
		id                    int64
		value                 string
	}
	var refs []ref
	for _, q := range []struct{ table, legacy, column, cond string }{
		{"messages", "raw_key", "raw", "raw IS NULL AND raw_key != ''"},
		{"attachments", "blob_key", "blob", "blob IS NULL AND blob_key != ''"},
		{"outbox", "sent_key", "sent", "sent IS NULL AND coalesce(sent_key, '') != ''"},
	} {
		rows, err := t.query(`SELECT id, `+q.legacy+` FROM `+q.table+` WHERE `+q.cond+` AND `+where, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			r := ref{table: q.table, column: q.column, legacy: q.legacy}
			if err := rows.Scan(&r.id, &r.value); err != nil {
				rows.Close()
				return err
			}
			refs = append(refs, r)
		}
		rows.Close()
	}
	for _, r := range refs {
		to, err := m.move(r.value)
		if err != nil {
			return err
		}
		clear := `, ` + r.legacy + ` = ''`
		if r.table == "messages" {
			clear = "" // raw_key stays: the content hash is the same
		}
		if _, err := t.exec(`UPDATE `+r.table+` SET `+r.column+` = ?`+clear+` WHERE id = ?`,
			k.seal(r.table, r.column, r.id, to), r.id); err != nil {
			return err
		}
	}
	return t.moveMailFiles(k, m, where, args...)
}

// moveMailFiles rewrites the files lists of mails that name version 1
// blobs.
func (t *Tx) moveMailFiles(k *rowKey, m *blobMover, where string, args ...any) error {
	rows, err := t.query(`SELECT id, attachments FROM outbox WHERE attachments IS NOT NULL AND `+where, args...)
	if err != nil {
		return err
	}
	sealed := map[int64][]byte{}
	for rows.Next() {
		var id int64
		var v []byte
		if err := rows.Scan(&id, &v); err != nil {
			rows.Close()
			return err
		}
		sealed[id] = v
	}
	rows.Close()
	for id, v := range sealed {
		plain, err := k.open("outbox", "attachments", id, v)
		if err != nil {
			return err
		}
		var files []MailFile
		if err := json.Unmarshal([]byte(plain), &files); err != nil {
			return fmt.Errorf("outbox %d attachments: %w", id, err)
		}
		changed := false
		for i, f := range files {
			if legacyRef(f.BlobKey) {
				if files[i].BlobKey, err = m.move(f.BlobKey); err != nil {
					return err
				}
				changed = true
			}
		}
		if !changed {
			continue
		}
		b, _ := json.Marshal(files)
		if _, err := t.exec(`UPDATE outbox SET attachments = ? WHERE id = ?`, k.seal("outbox", "attachments", id, string(b)), id); err != nil {
			return err
		}
	}
	return nil
}

// migrateUnowned moves the blobs of rows about no report (quarantined
// messages, periodic reports' mail), whose values keep the general key.
func (db *DB) migrateUnowned(ctx context.Context) error {
	return db.Write(ctx, func(tx *Tx) error {
		k, err := tx.keyFor(0)
		if err != nil {
			return err
		}
		m := &blobMover{blobs: db.blobs, moved: map[string]string{}}
		return tx.moveBlobs(k, m, "report_id IS NULL")
	})
}

// removeLegacyBlobs deletes the version 1 blob files, which nothing refers
// to once every row was moved.
func (db *DB) removeLegacyBlobs() error {
	root := filepath.Join(db.dir, "blobs")
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !legacyRef(d.Name()) {
			return err
		}
		if err := hook("remove"); err != nil {
			return err
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	})
}
