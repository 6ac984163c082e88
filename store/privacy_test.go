package store

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// codeOnly are the text columns that hold only codes: states, kinds,
// roles, the routing table's codes, our own identifiers and keyed hashes,
// reasons we word ourselves, configured folder names. Every other column
// that can hold text is a BLOB sealed by the store (SPEC 10.2), or a keyed
// index ending in _idx.
var codeOnly = []string{
	"meta.key",
	"reports.code", "reports.state", "reports.lang", "reports.field", "reports.unit", "reports.agency", "reports.rule",
	"reports.ruleset", "reports.proposed_field", "reports.proposed_unit", "reports.proposed_agency", "reports.missing",
	"reports.rating", "reports.key_id", "reports.edition", "reports.former_unit", "reports.co_agencies",
	"messages.mailbox", "messages.raw_key", "messages.kind", "messages.reason",
	"attachments.role", "attachments.type", "attachments.declared_type", "attachments.blob_key", "attachments.refused",
	"events.actor", "events.from_state", "events.to_state", "events.agency", "events.reason", "events.co_agencies",
	"deadlines.kind", "deadlines.state",
	"outbox.kind", "outbox.rcpt_role", "outbox.message_id", "outbox.lang", "outbox.state", "outbox.sent_key",
	"periodic_reports.kind", "periodic_reports.period",
	"erasures.cause", "erasures.key_id", "erasures.blobs", // blobs: random file names
	"access_log.action", "access_log.role", "requests.kind",
	"blob_data.name", // random names, as the files'
}

// TestTextColumnsSealedOrCodes holds the schema against codeOnly: a text
// column that is not on the list is a column where a citizen's or an
// operator's words could land in clear. A BLOB column is sealed or a keyed
// index (TestSealedColumnsListed).
func TestTextColumnsSealedOrCodes(t *testing.T) {
	columns := schemaColumns(t, openTest(t, t.TempDir(), testKey))
	for c, typ := range columns {
		if typ != "INTEGER" && typ != "REAL" && typ != "BLOB" && !slices.Contains(codeOnly, c) {
			t.Errorf("text column %s is neither sealed (a BLOB) nor on the list of code-only columns", c)
		}
	}
	for _, c := range codeOnly {
		if typ, ok := columns[c]; !ok || typ != "TEXT" {
			t.Errorf("code-only column %s is no text column of the schema: remove it from the list", c)
		}
	}
}

// schemaColumns returns the declared type of every column of the store's
// tables, by "table.column".
func schemaColumns(t *testing.T, db *DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := db.Read(context.Background(), func(tx *Tx) error {
		tables, err := column(tx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
		if err != nil {
			return err
		}
		for _, table := range tables {
			rows, err := tx.query(`SELECT name, upper(type) FROM pragma_table_info(?)`, table)
			if err != nil {
				return err
			}
			for rows.Next() {
				var name, typ string
				if err := rows.Scan(&name, &typ); err != nil {
					rows.Close()
					return err
				}
				out[table+"."+name] = typ
			}
			if err := rows.Close(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRoutingWhyAndOperatorSealed: the routing's explanation quotes the
// field the citizen declared, and an event names the operator who caused
// it: both are read back, and neither is in the files in clear.
func TestRoutingWhyAndOperatorSealed(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, testKey)
	ctx := context.Background()
	r := sample(time.Now())
	r.Routing.Why = `declared field "Điện nhà ông Lê Minh Tuấn" is no field of the table and is ignored`
	const operator = "tiepnhan.tran@haugiang.gov.vn"
	var code string
	err := db.Write(ctx, func(tx *Tx) error {
		rep, err := tx.CreateReport(r)
		if err != nil {
			return err
		}
		code = rep.Code
		rep.State = "forwarded"
		if err := tx.UpdateReport(rep, time.Now()); err != nil {
			return err
		}
		return tx.AppendEvent(rep.ID, Event{At: time.Now(), Actor: operator, Command: "/accept", From: "received", To: "forwarded"})
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Read(ctx, func(tx *Tx) error {
		got, err := tx.Report(code)
		if err != nil || got.Routing.Why != r.Routing.Why {
			t.Errorf("why read back %q, %v", got.Routing.Why, err)
		}
		es, err := tx.Events(got.ID)
		if err != nil || len(es) != 1 || es[0].Actor != operator {
			t.Errorf("events read back %+v, %v", es, err)
		}
		var actor string
		tx.queryRow(`SELECT actor FROM events`).Scan(&actor)
		if actor != ActorOperator {
			t.Errorf("events.actor holds %q, want %q", actor, ActorOperator)
		}
		return nil
	})
	db.Close()
	for _, f := range scanTree(t, dir, []string{"Lê Minh Tuấn", "Le Minh Tuan", "tiepnhan.tran"}) {
		t.Error(f)
	}
}

// TestNewDatabaseFilesPrivate: a new database, its WAL and its
// shared-memory file are created readable by their owner only, whatever
// the umask; an existing database's files are made so when opened.
func TestNewDatabaseFilesPrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	db := openTest(t, dir, testKey)
	if err := db.Write(context.Background(), func(tx *Tx) error { _, err := tx.CreateReport(sample(time.Now())); return err }); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "phananh.db")
	checkModes(t, path, 0o600)
	db.Close()

	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		os.Chmod(p, 0o644)
	}
	// SQLite removes the WAL on the last close: recreate it as a copy
	// left behind by a crash would be.
	os.WriteFile(path+"-wal", nil, 0o644)
	db = openTest(t, dir, testKey)
	checkModes(t, path, 0o600)
}

// TestBackupPrivate: the backup's copy of the database is its owner's only
// from its creation, whatever the umask.
func TestBackupPrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	db := openTest(t, t.TempDir(), testKey)
	dest := filepath.Join(t.TempDir(), "backup")
	if err := db.Backup(context.Background(), dest); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dest, "phananh.db"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the backup's database: %v, %v", fi.Mode(), err)
	}
}

func checkModes(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
			continue
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %v, want %v", filepath.Base(p), got, want)
		}
	}
}

// TestUpgradeSealsClearTexts opens a database of schema 3, whose routing
// explanations and operators' events are in clear: after the upgrade both
// read back the same (TestMigrateSchema3 compares every value), neither is
// in the database files in clear, and the event log is append-only again.
func TestUpgradeSealsClearTexts(t *testing.T) {
	opt := schema3(t)
	ctx := context.Background()
	db, err := Open(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	db.Read(ctx, func(tx *Tx) error {
		r, err := tx.Report("PA-2026-000001")
		if err != nil || !strings.HasPrefix(r.Routing.Why, "keywords ") {
			t.Errorf("why after the upgrade: %q, %v", r.Routing.Why, err)
		}
		es, err := tx.Events(r.ID)
		if err != nil || !slices.ContainsFunc(es, func(e Event) bool { return e.Actor == "tiepnhan@ttgsdh.example.gov.vn" }) {
			t.Errorf("events after the upgrade: %+v, %v", es, err)
		}
		return nil
	})
	err = db.Write(ctx, func(tx *Tx) error { _, err := tx.exec(`UPDATE events SET to_state = 'x'`); return err })
	if err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("events after the upgrade: update %v, want append-only refusal", err)
	}
	db.Close()
	needles := []string{"tiepnhan@ttgsdh", "lanhdao@ttgsdh", "xuly@dienluc", "declared field", "the best score"}
	for _, f := range scanTree(t, filepath.Dir(opt.Path), needles) {
		if strings.Contains(f, "phananh.db") {
			t.Error(f)
		}
	}
}
