package store

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// newReport writes a report with a raw message, a photo and a mail, and
// returns it with the blob references of the message and the photo.
func newReport(t testing.TB, db *DB, r Report, photo string) (Report, []string) {
	t.Helper()
	var refs []string
	err := db.Write(context.Background(), func(tx *Tx) error {
		var err error
		if r, err = tx.CreateReport(r); err != nil {
			return err
		}
		raw, size, err := db.Blobs().Put(strings.NewReader("From: " + r.Citizen.Email + "\r\n\r\n" + r.Content))
		if err != nil {
			return err
		}
		img, _, err := db.Blobs().Put(strings.NewReader(photo))
		if err != nil {
			return err
		}
		refs = []string{raw, img}
		if _, err := tx.RecordMessage(Message{RawKey: raw, RawSize: size, Sender: r.Citizen.Email, Kind: "report",
			ReportCode: r.Code, ReceivedAt: r.ReceivedAt, ProcessedAt: r.ReceivedAt}); err != nil {
			return err
		}
		if _, err := tx.AddAttachment(r.ID, Attachment{Role: "report", Name: "ảnh.jpg", Type: "image/jpeg", BlobKey: img}); err != nil {
			return err
		}
		if err := tx.AppendEvent(r.ID, Event{At: r.ReceivedAt, Actor: "system", Command: "ingest", To: "received"}); err != nil {
			return err
		}
		_, err = tx.Enqueue(Mail{ReportID: r.ID, ReportCode: r.Code, Kind: "ack", To: r.Citizen.Email, Role: "citizen",
			Data: []byte(`{"name":"` + r.Citizen.Name + `"}`), Attachments: []MailFile{{BlobKey: img, Name: "ảnh.jpg"}}}, r.ReceivedAt)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return r, refs
}

func readReport(t *testing.T, db *DB, code string) (Report, []Event, []Attachment, []Mail) {
	t.Helper()
	var r Report
	var ev []Event
	var as []Attachment
	var ms []Mail
	err := db.Read(context.Background(), func(tx *Tx) error {
		var err error
		if r, err = tx.Report(code); err != nil {
			return err
		}
		if ev, err = tx.Events(r.ID); err != nil {
			return err
		}
		if as, err = tx.Attachments(r.ID, ""); err != nil {
			return err
		}
		ms, err = tx.ReportMail(r.ID)
		return err
	})
	if err != nil {
		t.Fatalf("report %s: %v", code, err)
	}
	return r, ev, as, ms
}

// TestReportsHaveTheirOwnKeys: destroying one report's data key leaves
// its texts, events, file names, blob references and mail unreadable —
// they read as empty — while the other report reads as before.
func TestReportsHaveTheirOwnKeys(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	a, aRefs := newReport(t, db, sample(time.Now()), "photo A")
	other := sample(time.Now())
	other.Citizen.Name, other.Citizen.Email = "Trần Thị Bình", "binh@example.com"
	b, _ := newReport(t, db, other, "photo B")

	var keyA, keyB string
	db.Read(ctx, func(tx *Tx) error {
		tx.queryRow(`SELECT key_id FROM reports WHERE id = ?`, a.ID).Scan(&keyA)
		return tx.queryRow(`SELECT key_id FROM reports WHERE id = ?`, b.ID).Scan(&keyB)
	})
	if keyA == "" || keyA == keyB {
		t.Fatalf("data keys %q and %q: want two keys", keyA, keyB)
	}
	if err := db.keystore.destroy(ctx, keyA, time.Now()); err != nil {
		t.Fatal(err)
	}

	r, ev, as, ms := readReport(t, db, a.Code)
	if r.Citizen != (Citizen{}) || r.Content != "" || r.Subject != "" || ev[0].Command != "" || as[0].Name != "" ||
		as[0].BlobKey != "" || ms[0].To != "" || len(ms[0].Data) != 0 || len(ms[0].Attachments) != 0 {
		t.Errorf("after its key was destroyed, report A reads %+v, %+v, %+v, %+v", r, ev, as, ms)
	}
	if r.State != "received" || r.Routing != a.Routing || !r.ReceivedAt.Equal(a.ReceivedAt.Truncate(time.Second)) {
		t.Errorf("its codes and dates changed: %+v", r)
	}
	// The blobs are still on disk, but their keys were in the sealed
	// references: nothing in the data folder opens them.
	for _, ref := range aRefs {
		rr, _ := parseRef(ref)
		if _, err := os.Stat(db.blobs.path(rr.name)); err != nil {
			t.Errorf("blob %s: %v", rr.name, err)
		}
	}
	r, ev, as, ms = readReport(t, db, b.Code)
	if r.Citizen != other.Citizen || ev[0].Command != "ingest" || as[0].Name != "ảnh.jpg" || ms[0].To != other.Citizen.Email {
		t.Errorf("report B reads %+v %+v %+v %+v", r, ev, as, ms)
	}
	rc, err := db.Blobs().Open(as[0].BlobKey)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if string(got) != "photo B" {
		t.Errorf("report B's photo reads %q", got)
	}
}

// TestKeyStoreRequired: a database with data keys refuses to start
// without its key store, or with another installation's.
func TestKeyStoreRequired(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, testKey)
	newReport(t, db, sample(time.Now()), "photo")
	db.Close()
	keys := filepath.Join(dir, "phananh-keys.db")
	opt := Options{Path: filepath.Join(dir, "phananh.db"), DataDir: filepath.Join(dir, "data"), Key: testKey}

	other := t.TempDir()
	openTest(t, other, testKey).Close()
	opt.KeysPath = filepath.Join(other, "phananh-keys.db")
	if _, err := Open(context.Background(), opt); err == nil || !strings.Contains(err.Error(), "not this database's key store") {
		t.Errorf("another installation's key store: %v", err)
	}

	if err := os.Rename(keys, keys+".away"); err != nil {
		t.Fatal(err)
	}
	opt.KeysPath = keys
	if _, err := Open(context.Background(), opt); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("no key store: %v", err)
	}
	if _, err := os.Stat(keys); err == nil {
		t.Error("a missing key store was created anew")
	}
	os.Rename(keys+".away", keys)
	db, err := Open(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
}

// TestBackupKeys: a data backup holds no key store; with the copy that
// `backup --keys` makes, it opens every report.
func TestBackupKeys(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, testKey)
	ctx := context.Background()
	r, _ := newReport(t, db, sample(time.Now()), "photo")
	data, keys := filepath.Join(t.TempDir(), "data"), filepath.Join(t.TempDir(), "keys")
	if err := db.Backup(ctx, data); err != nil {
		t.Fatal(err)
	}
	if err := db.BackupKeys(ctx, keys); err != nil {
		t.Fatal(err)
	}
	if err := db.BackupKeys(ctx, keys); err == nil {
		t.Error("a second key backup into the same folder was accepted")
	}
	filepath.Walk(data, func(path string, info os.FileInfo, err error) error {
		if err == nil && strings.Contains(filepath.Base(path), "keys") {
			t.Errorf("the data backup holds %s", path)
		}
		return err
	})
	info, err := os.Stat(filepath.Join(keys, KeysBackupName))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key store backup: %v %v", info, err)
	}
	copyDB, err := Open(ctx, Options{Path: filepath.Join(data, "phananh.db"), DataDir: filepath.Join(data, "data"),
		KeysPath: filepath.Join(keys, KeysBackupName), Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	got, _, as, _ := readReport(t, copyDB, r.Code)
	if got.Citizen != r.Citizen || blobDigest(t, copyDB, as[0].BlobKey) == "" {
		t.Errorf("the restored report reads %+v", got)
	}
}

// TestTakenKeyCached: the key a new report takes is in the cache from the
// start, so that the mailer, rendering the report's notices a moment
// later, does not read it back from the key store.
func TestTakenKeyCached(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	k, err := db.keystore.take(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if db.keystore.cached(k.id) == nil {
		t.Error("a key just taken is not in the cache")
	}
}

// TestFullKeyCacheKeepsRecentKeys: when the cache is full, the keys
// remembered last stay in it. A backlog of more reports than the cache
// holds, committed ahead of their notices, would otherwise have the whole
// cache emptied under it, and every notice rendered after read its key
// back from the key store.
func TestFullKeyCacheKeepsRecentKeys(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ks := db.keystore
	k, err := ks.take(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, keyCacheSize+1)
	for i := range ids {
		ids[i] = fmt.Sprintf("k%05d", i)
		ks.remember(ids[i], k.aead)
	}
	if len(ks.cache) > keyCacheSize {
		t.Errorf("the cache holds %d keys, past its bound %d", len(ks.cache), keyCacheSize)
	}
	for _, id := range ids[len(ids)-keyCacheSize/2:] {
		if ks.cached(id) == nil {
			t.Fatalf("key %s, among the last %d remembered, is not in the full cache", id, keyCacheSize/2)
		}
	}
}
