package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func allowAll(Report, []Deadline) error { return nil }

func closeReport(t testing.TB, db *DB, code string, at time.Time) {
	t.Helper()
	err := db.Write(context.Background(), func(tx *Tx) error {
		r, err := tx.Report(code)
		if err != nil {
			return err
		}
		r.State, r.Rating = "closed", "hai-long"
		return tx.UpdateReport(r, at)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestErase: an erased report reads empty, its files and its data key are
// gone, the erasure and its access are recorded — and the other report, and
// what statistics read of both, stay as they were. A data backup taken
// before the erasure, opened with the key store of today, cannot show it.
func TestErase(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, testKey)
	ctx := context.Background()
	a, aRefs := newReport(t, db, sample(time.Now()), "photo A bytes")
	other := sample(time.Now())
	other.Citizen.Name, other.Citizen.Email, other.Citizen.Phone = "Trần Thị Bình", "binh@example.com", "0987 654 321"
	b, _ := newReport(t, db, other, "photo B bytes")
	closed := time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)
	closeReport(t, db, a.Code, closed)
	before := dumpStore(t, db)
	backup := filepath.Join(t.TempDir(), "backup")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	var keyA string
	db.Read(ctx, func(tx *Tx) error { return tx.queryRow(`SELECT key_id FROM reports WHERE id = ?`, a.ID).Scan(&keyA) })

	refused := errors.New("not now")
	if _, err := db.Erase(ctx, a.Code, Erasure{At: time.Now(), Cause: ErasureRequest}, func(Report, []Deadline) error { return refused }); !errors.Is(err, refused) {
		t.Fatalf("a refused erasure: %v", err)
	}
	at := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	e, err := db.Erase(ctx, a.Code, Erasure{At: at, Cause: ErasureRequest, Reason: "yêu cầu số 12/2026", Actor: "dpo"}, allowAll)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Erase(ctx, a.Code, Erasure{At: at, Cause: ErasureRequest}, allowAll); !errors.Is(err, ErrErased) {
		t.Errorf("a second erasure: %v, want ErrErased", err)
	}

	r, ev, as, ms := readReport(t, db, a.Code)
	if r.Citizen != (Citizen{}) || r.Content != "" || r.Subject != "" || r.Location != "" || ev[0].Command != "" ||
		as[0].Name != "" || as[0].BlobKey != "" || ms[0].To != "" || len(ms[0].Data) != 0 || ms[0].State != MailSuppressed {
		t.Errorf("the erased report reads %+v\n%+v\n%+v\n%+v", r, ev, as, ms)
	}
	if r.State != "closed" || r.Rating != "hai-long" || r.Routing != a.Routing || !r.ClosedAt.Equal(closed) || !r.ErasedAt.Equal(at) {
		t.Errorf("the erased report lost what the statistics read: %+v", r)
	}
	for _, ref := range aRefs {
		rr, _ := parseRef(ref)
		if _, err := os.Stat(db.blobs.path(rr.name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("blob %s of the erased report: %v", rr.name, err)
		}
	}
	if has, _ := db.keystore.has(ctx, keyA); has {
		t.Error("the erased report's data key is still in the key store")
	}
	db.Read(ctx, func(tx *Tx) error {
		es, err := tx.Erasures(a.ID)
		if err != nil || len(es) != 1 || es[0].ID != e.ID || es[0].Reason != "yêu cầu số 12/2026" || es[0].Actor != "dpo" || es[0].DoneAt.IsZero() {
			t.Errorf("erasures %+v, %v", es, err)
		}
		var log []Access
		tx.AccessLog(AccessFilter{Code: a.Code}, func(x Access) error { log = append(log, x); return nil })
		if len(log) != 1 || log[0].Action != AccessErase || log[0].OSUser != "dpo" || log[0].Reason != "yêu cầu số 12/2026" {
			t.Errorf("access log %+v", log)
		}
		if found, _ := tx.SubjectReports(sample(time.Now()).Citizen.Email, ""); len(found) != 0 {
			t.Errorf("the erased report is still found by its citizen's address: %+v", found)
		}
		if found, _ := tx.SubjectReports("", other.Citizen.Phone); len(found) != 1 || found[0].Code != b.Code {
			t.Errorf("the other report by phone: %+v", found)
		}
		return nil
	})
	// Nor in any file: the database, its WAL, the key store, the data folder.
	for _, f := range scanTree(t, dir, []string{a.Citizen.Name, a.Citizen.Email, a.Citizen.Phone, "0912345678",
		"Trần Hưng Đạo", "photo A bytes"}) {
		t.Error(f)
	}
	after := dumpStore(t, db)
	if got, want := (dump{Reports: after.Reports[1:]}).json(t), (dump{Reports: before.Reports[1:]}).json(t); string(got) != string(want) {
		t.Errorf("the other report changed:\n%s\nwant\n%s", got, want)
	}

	// The backup from before the erasure, with today's key store.
	old, err := Open(ctx, Options{Path: filepath.Join(backup, "phananh.db"), DataDir: filepath.Join(backup, "data"),
		KeysPath: filepath.Join(dir, "phananh-keys.db"), Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	r, ev, as, ms = readReport(t, old, a.Code)
	if r.Citizen != (Citizen{}) || r.Content != "" || ev[0].Command != "" || as[0].BlobKey != "" || ms[0].To != "" {
		t.Errorf("the backup from before the erasure reads %+v %+v %+v %+v", r, ev, as, ms)
	}
	if r, _, _, _ := readReport(t, old, b.Code); r.Citizen != other.Citizen {
		t.Errorf("the backup's other report reads %+v", r.Citizen)
	}
}

// TestEraseFinishedAfterACrash: an erasure committed but stopped before its
// files and key were destroyed is finished by the next FinishErasures, once;
// a key store restored from before an erasure has the key destroyed again
// by ReconcileKeys.
func TestEraseFinishedAfterACrash(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, testKey)
	ctx := context.Background()
	a, refs := newReport(t, db, sample(time.Now()), "photo")
	closeReport(t, db, a.Code, time.Now())
	keys := filepath.Join(t.TempDir(), "keys")
	if err := db.BackupKeys(ctx, keys); err != nil {
		t.Fatal(err)
	}
	var keyA string
	err := db.Write(ctx, func(tx *Tx) error {
		if err := tx.queryRow(`SELECT key_id FROM reports WHERE id = ?`, a.ID).Scan(&keyA); err != nil {
			return err
		}
		_, err := tx.eraseReport(a.ID, keyA, Erasure{At: time.Now(), Cause: ErasureRetention})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if has, _ := db.keystore.has(ctx, keyA); !has {
		t.Fatal("the key went before the commit's follow-up")
	}
	if n, err := db.FinishErasures(ctx, time.Now()); n != 1 || err != nil {
		t.Fatalf("FinishErasures: %d, %v", n, err)
	}
	if n, _ := db.FinishErasures(ctx, time.Now()); n != 0 {
		t.Errorf("a second FinishErasures finished %d", n)
	}
	rr, _ := parseRef(refs[1])
	if _, err := os.Stat(db.blobs.path(rr.name)); !errors.Is(err, os.ErrNotExist) {
		t.Error("the photo's file is left")
	}

	// The key store comes back from its copy older than the erasure.
	db.Close()
	if err := os.Rename(filepath.Join(keys, KeysBackupName), filepath.Join(dir, "phananh-keys.db")); err != nil {
		t.Fatal(err)
	}
	db = openTest(t, dir, testKey)
	if has, _ := db.keystore.has(ctx, keyA); !has {
		t.Fatal("the restored key store lacks the key")
	}
	if n, err := db.ReconcileKeys(ctx); n != 1 || err != nil {
		t.Errorf("ReconcileKeys: %d, %v", n, err)
	}
	if has, _ := db.keystore.has(ctx, keyA); has {
		t.Error("the erased report's key survived the reconciliation")
	}
}

// TestMailSentAfterErasure: a mail the outbox gave out before its report
// was erased, and accepted after, is recorded as sent, and the access log
// records that it went out without naming its recipient again — who the
// mail carries in memory, as the outbox gave it.
func TestMailSentAfterErasure(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, testKey)
	ctx := context.Background()
	r, _ := newReport(t, db, sample(time.Now()), "photo bytes")
	var due []Mail
	db.Read(ctx, func(tx *Tx) (err error) { due, err = tx.DueMail(time.Now().Add(time.Hour), 10); return err })
	if len(due) != 1 || due[0].To != r.Citizen.Email {
		t.Fatalf("due mail %+v", due)
	}
	if _, err := db.Erase(ctx, r.Code, Erasure{At: time.Now(), Cause: ErasureRequest}, allowAll); err != nil {
		t.Fatal(err)
	}
	if err := db.Write(ctx, func(tx *Tx) error { return tx.MailSent(due[0], time.Now(), "") }); err != nil {
		t.Fatal(err)
	}
	db.Read(ctx, func(tx *Tx) error {
		var log []Access
		tx.AccessLog(AccessFilter{Code: r.Code}, func(x Access) error { log = append(log, x); return nil })
		if len(log) != 2 || log[1].Action != AccessNotice || log[1].MailID != due[0].ID || log[1].Recipient != "" {
			t.Errorf("access log %+v: want the erasure, then the notice without its recipient", log)
		}
		return nil
	})
	for _, f := range scanTree(t, dir, []string{r.Citizen.Email}) {
		t.Error(f)
	}
}
