package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestWriteEachFailsAlone commits transactions together: one that fails,
// by its error or by a value it could not seal, is rolled back alone; the
// others are committed, each seeing the changes of those before it.
func TestWriteEachFailsAlone(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	var codes [4]string
	create := func(i int) func(*Tx) error {
		return func(tx *Tx) error {
			r, err := tx.CreateReport(sample(at))
			codes[i] = r.Code
			return err
		}
	}
	stop := errors.New("stop")
	errs := db.WriteEach(ctx,
		create(0),
		func(tx *Tx) error { create(1)(tx); return stop },
		func(tx *Tx) error { create(2)(tx); tx.fail(stop); return nil },
		create(3),
	)
	for i, want := range []error{nil, stop, stop, nil} {
		if !errors.Is(errs[i], want) {
			t.Errorf("transaction %d: %v, want %v", i, errs[i], want)
		}
	}
	// The failed ones gave their codes back: no gaps.
	if codes[0] != "PA-2026-000001" || codes[3] != "PA-2026-000002" {
		t.Errorf("codes %v, want PA-2026-000001 then PA-2026-000002", codes)
	}
	var n int
	db.Read(ctx, func(tx *Tx) error { return tx.queryRow(`SELECT count(*) FROM reports`).Scan(&n) })
	if n != 2 {
		t.Errorf("%d reports committed, want 2", n)
	}
}

// TestRunFailsAlone: the transactions of WriteEach run together in one
// savepoint; when a statement of one fails (a constraint here), the ones
// before it are run again each alone, and it is rolled back alone — its
// changes before the statement too —, as if each had had its savepoint.
// A transaction of Write in the same group is never run again.
func TestRunFailsAlone(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	var runs [5]int
	var codes [5]string
	create := func(i int) func(*Tx) error {
		return func(tx *Tx) error {
			runs[i]++
			r, err := tx.CreateReport(sample(at))
			codes[i] = r.Code
			return err
		}
	}
	failing := func(tx *Tx) error {
		runs[3]++
		if _, err := tx.CreateReport(sample(at)); err != nil {
			return err
		}
		_, err := tx.exec(`INSERT INTO meta (key, value) VALUES ('key_check', x'00')`) // there already
		return err
	}
	req := func(again bool, fns ...func(*Tx) error) *writeReq {
		return &writeReq{ctx: ctx, fns: fns, errs: make([]error, len(fns)), again: again}
	}
	group := []*writeReq{req(true, create(0)), req(false, create(1)), req(true, create(2), failing, create(4))}
	db.commitGroup(group)
	for i, r := range group {
		for j, err := range r.errs {
			if wantErr := i == 2 && j == 1; (err != nil) != wantErr || wantErr && !strings.Contains(err.Error(), "UNIQUE") {
				t.Errorf("request %d, transaction %d: %v", i, j, err)
			}
		}
	}
	if runs != [5]int{1, 1, 2, 1, 1} {
		t.Errorf("runs %v: want the one of the run before the failed one run again, and only it", runs)
	}
	want := [5]string{"PA-2026-000001", "PA-2026-000002", "PA-2026-000003", "", "PA-2026-000004"}
	codes[3] = ""
	if codes != want {
		t.Errorf("codes %v, want %v", codes, want)
	}
	var n, distinct int
	db.Read(ctx, func(tx *Tx) error {
		return tx.queryRow(`SELECT count(*), count(DISTINCT code) FROM reports`).Scan(&n, &distinct)
	})
	if n != 4 || distinct != 4 {
		t.Errorf("%d reports committed (%d codes), want 4", n, distinct)
	}
}

// TestFirstRunFailsAlone: a run that begins the group's transaction has
// no savepoint of its own; when one of its transactions fails, wherever it
// is in the run, the database transaction is rolled back and begun again,
// the ones before the failed one are run again each alone, and the group
// goes on — a transaction of Write after it, and another run, with its
// savepoint, that fails too.
func TestFirstRunFailsAlone(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	for _, failAt := range []int{0, 1, 2} {
		t.Run(fmt.Sprint("failing ", failAt), func(t *testing.T) {
			db := openTest(t, t.TempDir(), testKey)
			var runs [6]int
			create := func(i int) func(*Tx) error {
				return func(tx *Tx) error {
					runs[i]++
					_, err := tx.CreateReport(sample(at))
					return err
				}
			}
			failing := func(i int) func(*Tx) error {
				return func(tx *Tx) error {
					runs[i]++
					if _, err := tx.CreateReport(sample(at)); err != nil {
						return err
					}
					_, err := tx.exec(`INSERT INTO meta (key, value) VALUES ('key_check', x'00')`) // there already
					return err
				}
			}
			first := []func(*Tx) error{create(0), create(1), create(2)}
			first[failAt] = failing(failAt)
			req := func(again bool, fns ...func(*Tx) error) *writeReq {
				return &writeReq{ctx: ctx, fns: fns, errs: make([]error, len(fns)), again: again}
			}
			group := []*writeReq{req(true, first...), req(false, create(3)), req(true, create(4), failing(5))}
			db.commitGroup(group)
			for i, r := range group {
				for j, err := range r.errs {
					if wantErr := i == 0 && j == failAt || i == 2 && j == 1; (err != nil) != wantErr {
						t.Errorf("request %d, transaction %d: %v", i, j, err)
					}
				}
			}
			want := [6]int{1, 1, 1, 1, 2, 1}
			for i := range failAt {
				want[i] = 2 // run again after the failed one
			}
			if runs != want {
				t.Errorf("runs %v, want %v", runs, want)
			}
			var n, distinct, last int
			db.Read(ctx, func(tx *Tx) error {
				return tx.queryRow(`SELECT count(*), count(DISTINCT code), (SELECT last FROM report_seq) FROM reports`).Scan(&n, &distinct, &last)
			})
			if n != 4 || distinct != 4 || last != 4 {
				t.Errorf("%d reports committed (%d codes, the last number %d), want 4", n, distinct, last)
			}
		})
	}
}

// TestRunPanics: a transaction of WriteEach that panics is rolled back
// alone, the others of its run committed, and the panic goes on in the
// caller.
func TestRunPanics(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	create := func(tx *Tx) error { _, err := tx.CreateReport(sample(time.Now())); return err }
	func() {
		defer func() {
			if v := recover(); v != "boom" {
				t.Errorf("recovered %v, want the panic", v)
			}
		}()
		db.WriteEach(ctx, create, func(tx *Tx) error { create(tx); panic("boom") }, create)
	}()
	var n int
	db.Read(ctx, func(tx *Tx) error { return tx.queryRow(`SELECT count(*) FROM reports`).Scan(&n) })
	if n != 2 {
		t.Errorf("%d reports committed, want the 2 that did not panic", n)
	}
}

// TestWritesGrouped queues transactions from many goroutines at once: all
// are committed, each exactly once, and a failing one takes nothing else
// with it.
func TestWritesGrouped(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 64)
	for i := range errs {
		wg.Go(func() {
			errs[i] = db.Write(ctx, func(tx *Tx) error {
				if _, err := tx.CreateReport(sample(time.Now())); err != nil {
					return err
				}
				if i%8 == 0 {
					return errors.New("refused")
				}
				return nil
			})
		})
	}
	wg.Wait()
	failed := 0
	for i, err := range errs {
		switch {
		case i%8 == 0 && err == nil:
			t.Errorf("transaction %d: no error", i)
		case i%8 == 0:
			failed++
		case err != nil:
			t.Errorf("transaction %d: %v", i, err)
		}
	}
	var n, distinct int
	db.Read(ctx, func(tx *Tx) error {
		return tx.queryRow(`SELECT count(*), count(DISTINCT code) FROM reports`).Scan(&n, &distinct)
	})
	if n != len(errs)-failed || distinct != n {
		t.Errorf("%d reports (%d distinct codes), want %d", n, distinct, len(errs)-failed)
	}
}

// TestWriteCancelledBeforeRun skips a transaction whose context ended
// while it waited; one whose context ends while it runs still completes.
func TestWriteCancelledBeforeRun(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	if err := db.Write(ctx, func(*Tx) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
		t.Errorf("cancelled before: ran %v, err %v", ran, err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	err := db.Write(ctx, func(tx *Tx) error {
		cancel()
		_, err := tx.CreateReport(sample(time.Now()))
		return err
	})
	if err != nil {
		t.Errorf("cancelled while running: %v", err)
	}
}

// TestWriteAfterClose fails, rather than hanging.
func TestWriteAfterClose(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	db.Close()
	if err := db.Write(context.Background(), func(*Tx) error { return nil }); !errors.Is(err, errClosed) {
		t.Errorf("write after close: %v", err)
	}
}

// TestWritePanics: a transaction that panics is rolled back, the panic
// goes on in its caller (where a job's recovery catches it), and the
// writer goes on committing the others.
func TestWritePanics(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	func() {
		defer func() {
			if v := recover(); v != "boom" {
				t.Errorf("recovered %v, want the panic", v)
			}
		}()
		db.Write(ctx, func(tx *Tx) error {
			tx.CreateReport(sample(time.Now()))
			panic("boom")
		})
	}()
	var code string
	if err := db.Write(ctx, func(tx *Tx) error {
		r, err := tx.CreateReport(sample(time.Now()))
		code = r.Code
		return err
	}); err != nil || !strings.HasSuffix(code, "000001") {
		t.Errorf("after the panic: %s, %v; want the first report", code, err)
	}
}

// TestWriterDoesNotCheckpoint: the writer's commits leave copying the WAL
// into the database file to the checkpointer, which does it beside them:
// a few commits — far fewer pages than SQLite's automatic checkpoint waits
// for — are soon in the database file itself, read without its WAL.
func TestWriterDoesNotCheckpoint(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, testKey)
	ctx := context.Background()
	var auto int
	if err := db.w.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil || auto != 0 {
		t.Errorf("the writer's wal_autocheckpoint is %d (%v), want 0", auto, err)
	}
	at := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	for range 3 {
		if err := db.Write(ctx, func(tx *Tx) error { _, err := tx.CreateReport(sample(at)); return err }); err != nil {
			t.Fatal(err)
		}
	}
	// immutable=1 reads the database file as it is, without the WAL.
	file, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "phananh.db")+"?mode=ro&immutable=1")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	file.SetMaxIdleConns(0) // a new connection each time: an immutable one never reads the file again
	var n int
	for deadline := time.Now().Add(20 * time.Second); n != 3 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		file.QueryRowContext(ctx, `SELECT count(*) FROM reports`).Scan(&n)
	}
	if n != 3 {
		t.Errorf("the database file holds %d reports, want 3: the WAL is not checkpointed", n)
	}
}

// TestWriterRestartsWAL: once the WAL holds restartFrames, the writer
// checkpoints between two groups, and the next group writes the WAL from
// its beginning again rather than after the frames before it.
func TestWriterRestartsWAL(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, testKey)
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	report := func(tx *Tx) error { _, err := tx.CreateReport(sample(at)); return err }
	// The WAL's last frame, from the header of its index (the -shm file):
	// mxFrame, after the version, a field unused, the change counter, two
	// flags and the page size.
	lastFrame := func() uint32 {
		shm, err := os.ReadFile(filepath.Join(dir, "phananh.db-shm"))
		if err != nil || len(shm) < 20 {
			t.Fatalf("WAL index: %v", err)
		}
		return binary.NativeEndian.Uint32(shm[16:20])
	}
	many := make([]func(*Tx) error, 50)
	for i := range many {
		many[i] = report
	}
	for _, err := range db.WriteEach(ctx, many...) {
		if err != nil {
			t.Fatal(err)
		}
	}
	before := lastFrame()
	db.walFrames.Store(restartFrames)
	for range 2 { // the writer checkpoints after the first, the second starts the WAL over
		if err := db.Write(ctx, report); err != nil {
			t.Fatal(err)
		}
	}
	if after := lastFrame(); after >= before {
		t.Errorf("the WAL ends at frame %d after one report, at %d after 50: not started over", after, before)
	}
}

// TestNewReportDeadlines: a transaction that makes a report and sets its
// deadlines, one kind twice, leaves the last of each kind open and the one
// before it superseded, as it does for a report made earlier; and the
// report's code names it to the statements after, in the same transaction.
func TestNewReportDeadlines(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	var id int64
	err := db.Write(ctx, func(tx *Tx) error {
		r, err := tx.CreateReport(sample(at))
		if err != nil {
			return err
		}
		id = r.ID
		for _, kind := range []string{"intake", "intake", "resolve"} {
			if _, err := tx.SetDeadline(r.ID, Deadline{Kind: kind, Start: at, Due: at.Add(time.Hour)}); err != nil {
				return err
			}
		}
		got, err := tx.reportID(r.Code)
		if got != r.ID {
			t.Errorf("report %s: id %v (%v), want %d", r.Code, got, err, r.ID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string][]string{}
	db.Read(ctx, func(tx *Tx) error {
		rows, err := tx.query(`SELECT kind, state FROM deadlines WHERE report_id = ? ORDER BY id`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var kind, state string
			rows.Scan(&kind, &state)
			states[kind] = append(states[kind], state)
		}
		return rows.Err()
	})
	if got := fmt.Sprint(states["intake"], states["resolve"]); got != "[superseded open] [open]" {
		t.Errorf("deadlines %s, want [superseded open] [open]", got)
	}
}

// TestWritesBuildNoListTables: the statements the writer runs for each
// report build no temporary b-tree of a list of values (SQLite does for
// `col IN (…)` of three values or more, at every run: a CHECK constraint's
// at every write of the column, a query's at every query), and the
// constraints, written as comparisons, still refuse a value not listed.
func TestWritesBuildNoListTables(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	statements := map[string]int{
		`INSERT INTO reports (id, code, state, received_at, lang, updated_at) VALUES (1, 'PA-2026-000001', 'received', 0, 'vi', 0)`:                                  0,
		`INSERT INTO messages (id, raw_key, raw_size, kind, received_at, processed_at) VALUES (1, '', 0, 'report', 0, 0)`:                                            0,
		`INSERT INTO attachments (report_id, role, name, type, size) VALUES (1, 'report', x'', 'image/jpeg', 0)`:                                                     0,
		`INSERT INTO events (report_id, at, actor, command, to_state) VALUES (1, 0, 'citizen', 'ingest', 'received')`:                                                0,
		`INSERT INTO deadlines (report_id, kind, start_at, due_at, clock, opened_at) VALUES (1, 'intake', 0, 0, 1, 0)`:                                               0,
		`UPDATE deadlines SET state = 'met', done_at = 0 WHERE report_id = 1 AND kind = 'intake' AND state = 'open'`:                                                 0,
		`INSERT INTO outbox (report_id, kind, rcpt, rcpt_role, message_id, lang, data, next_at, created_at) VALUES (1, 'ack', x'', 'citizen', 'm', 'vi', x'', 0, 0)`: 0,
		`UPDATE outbox SET state = 'sent', attempts = attempts + 1, sent_at = 0, sent = x'' WHERE id = 1`:                                                            0,
		`INSERT INTO access_log (at, action, role) VALUES (0, 'notice', 'citizen')`:                                                                                  0,
	}
	for query, want := range statements {
		if n := listTables(t, db, query); n != want {
			t.Errorf("%s: %d temporary tables, want %d", query, n, want)
		}
	}
	if n := listTables(t, db, updateReport, make([]any, strings.Count(updateReport, "?"))...); n != 0 {
		t.Errorf("UpdateReport: %d temporary tables, want 0", n)
	}
	since := mailsSinceQuery(3) // a sender's automatic replies, counted before each acknowledgement
	sinceArgs := []any{[]byte{1}, 0, "ack", "already-rated", "followup-answer"}
	if n := listTables(t, db, since, sinceArgs...); n != 0 {
		t.Errorf("%s: %d temporary tables, want 0", since, n)
	}
	// Each kind's count searches the index by recipient, kind and time.
	if plan := explain(t, db, since, sinceArgs...); strings.Count(plan, "USING INDEX outbox_rcpt_cap (rcpt_cap=? AND kind=? AND created_at>?)") != 3 {
		t.Errorf("%s: plan\n%s", since, plan)
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO outbox (kind, rcpt, rcpt_idx, rcpt_role, message_id, lang, data, state, next_at, created_at) VALUES ('ack', x'', x'', 'citizen', 'm', 'vi', x'', 'lost', 0, 0)`)
	if err == nil || !strings.Contains(err.Error(), "CHECK constraint failed") {
		t.Errorf("a mail in state lost: %v, want the CHECK constraint's refusal", err)
	}
}

// listTables counts the temporary tables (OpenEphemeral) of a statement's
// program.
func listTables(t *testing.T, db *DB, query string, args ...any) int {
	t.Helper()
	rows, err := db.w.QueryContext(context.Background(), `EXPLAIN `+query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var addr, p1, p2, p3, p5 int64
		var op string
		var p4, comment any
		if err := rows.Scan(&addr, &op, &p1, &p2, &p3, &p4, &p5, &comment); err != nil {
			t.Fatal(err)
		}
		if op == "OpenEphemeral" {
			n++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDuplicateWhateverTheSpacing: a report's text is indexed by its
// words, in the writer's group (whose HMACs are kept by the text as
// written) as in a transaction of its own, so that the duplicate check
// finds the same words however they were spaced.
func TestDuplicateWhateverTheSpacing(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 1, 10, 0, 0, time.UTC)
	const written, again = "Khu vực  ấp 3\r\nbị cúp điện. ", "Khu vực ấp 3 bị cúp điện."
	if a, b := db.keys.indexOf(IndexContent, written), db.keys.indexOf(IndexContent, again); !bytes.Equal(a, b) {
		t.Errorf("the same words spaced otherwise index apart: %x, %x", a, b)
	}
	var code string
	create := func(tx *Tx) error {
		r, err := tx.CreateReport(Report{State: "received", ReceivedAt: at, Lang: "vi",
			Citizen: Citizen{Email: "dan@example.com"}, Content: written})
		code = r.Code
		return err
	}
	find := func(tx *Tx) error {
		got, err := tx.RecentReportBy("dan@example.com", again, at.Add(-time.Hour))
		if err == nil && got != code {
			err = fmt.Errorf("duplicate of %q, want %q", got, code)
		}
		return err
	}
	for _, err := range db.WriteEach(ctx, create, find) { // one group
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Read(ctx, find); err != nil {
		t.Fatal(err)
	}
}

// TestGroupMapsKeptEmpty: the maps of a group's ids, lookup HMACs and
// packs found in place are kept for the next group emptied — none of the
// values indexed (an address, a report's text) is held past its group —
// and a group's indexes are its own: the next finds none of them.
func TestGroupMapsKeptEmpty(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	for round := range 2 {
		err := db.Write(ctx, func(tx *Tx) error {
			if n := len(db.groupIndexes); n != 0 {
				t.Errorf("round %d: the group starts with %d lookup HMACs", round, n)
			}
			_, err := tx.CreateReport(sample(time.Now()))
			if len(db.groupIndexes) == 0 || len(db.nextIDs) == 0 {
				t.Errorf("round %d: a report made, the group's maps hold %d HMACs and %d ids", round, len(db.groupIndexes), len(db.nextIDs))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		g := db.groupMaps
		if g.indexes == nil || len(g.indexes)+len(g.nextIDs)+len(g.placed) != 0 {
			t.Errorf("round %d: kept maps %v, %v, %v; want them empty", round, g.indexes, g.nextIDs, g.placed)
		}
	}
}
