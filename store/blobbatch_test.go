package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func put(t *testing.T, create func() (*BlobWriter, error), content []byte) string {
	t.Helper()
	w, err := create()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(content); err != nil {
		t.Fatal(err)
	}
	ref, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func read(open func(string) (io.ReadCloser, error), ref string) ([]byte, error) {
	r, err := open(ref)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func isFile(db *DB, ref string) bool {
	r, _ := parseRef(ref)
	_, err := os.Stat(db.blobs.path(r.name))
	return err == nil
}

// TestSmallBlobs: a batch's small blob, as its larger ones, is a range of the batch's pack, no file of its own and no
// row of blob_data. The batch reads it back at once, everyone once it is
// synced; an erasure frees its range.
func TestSmallBlobs(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	g := db.Blobs().Batch()
	small := []byte(strings.Repeat("Mất điện ấp 3. ", 100))
	large := bytes.Repeat([]byte("ảnh "), blobChunkSize/4)
	kept := put(t, g.Create, small)
	bigRef := put(t, g.Create, large)
	for _, ref := range []string{kept, bigRef} {
		if r, _ := parseRef(ref); !r.packed {
			t.Errorf("blob %.8s… is not in the batch's pack", ref)
		}
	}
	if got, err := read(g.Open, kept); err != nil || !bytes.Equal(got, small) {
		t.Fatalf("the batch reads its small blob: %q, %v", got, err)
	}
	if err := g.Sync(); err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string][]byte{kept: small, bigRef: large} {
		if got, err := read(db.Blobs().Open, ref); err != nil || !bytes.Equal(got, want) {
			t.Errorf("blob %.8s… reads %d bytes, %v; want %d", ref, len(got), err, len(want))
		}
	}
	var n int
	db.Read(context.Background(), func(tx *Tx) error { return tx.queryRow(`SELECT count(*) FROM blob_data`).Scan(&n) })
	if n != 0 {
		t.Errorf("%d small blobs kept in the database", n)
	}
	r, _ := parseRef(kept)
	if err := db.blobs.removeName(r.place()); err != nil {
		t.Fatal(err)
	}
	if _, err := read(db.Blobs().Open, kept); err == nil {
		t.Error("a freed small blob opens")
	}
	if got, err := read(db.Blobs().Open, bigRef); err != nil || !bytes.Equal(got, large) {
		t.Errorf("the pack's other blob after the small one's erasure: %d bytes, %v", len(got), err)
	}
}

// keptInDatabase moves the bytes of a blob file into blob_data, as the
// versions that kept a batch's small blobs in the database wrote them.
func keptInDatabase(t *testing.T, db *DB, ref string) {
	t.Helper()
	r, _ := parseRef(ref)
	data, err := os.ReadFile(db.blobs.path(r.name))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(db.blobs.path(r.name)); err != nil {
		t.Fatal(err)
	}
	err = db.Write(context.Background(), func(tx *Tx) error {
		_, err := tx.exec(`INSERT INTO blob_data (name, data) VALUES (?, ?)`, r.name, data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestEraseSmallBlobs erases reports whose raw messages are small blobs:
// one kept in the database by an earlier version, whose row goes, and one
// in a batch's pack, whose range is freed.
func TestEraseSmallBlobs(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	raws := map[string]string{}
	for i, where := range []string{"database", "pack"} {
		g := db.Blobs().Batch()
		var code, raw string
		err := db.Write(ctx, func(tx *Tx) error {
			r, err := tx.CreateReport(sample(time.Now()))
			if err != nil {
				return err
			}
			code = r.Code
			content := []byte("From: " + r.Citizen.Email + "\r\n\r\n" + r.Content)
			if where == "database" {
				raw, _, err = db.Blobs().Put(bytes.NewReader(content))
				if err != nil {
					return err
				}
			} else {
				raw = put(t, g.Create, content)
				if err := g.Sync(); err != nil {
					return err
				}
			}
			_, err = tx.RecordMessage(Message{RawKey: raw, Sender: r.Citizen.Email, Kind: "report", ReportCode: code,
				ReceivedAt: r.ReceivedAt, ProcessedAt: r.ReceivedAt})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if where == "database" {
			keptInDatabase(t, db, raw)
		}
		if _, err := read(db.Blobs().Open, raw); err != nil {
			t.Fatalf("%s: the raw message before the erasure: %v", where, err)
		}
		raws[where] = raw
		closeReport(t, db, code, time.Now().Add(time.Duration(i)*time.Second))
		if _, err := db.Erase(ctx, code, Erasure{At: time.Now(), Cause: ErasureRequest}, allowAll); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	db.Read(ctx, func(tx *Tx) error { return tx.queryRow(`SELECT count(*) FROM blob_data`).Scan(&n) })
	if n != 0 {
		t.Errorf("%d small blobs left in the database after the erasure", n)
	}
	r, _ := parseRef(raws["pack"])
	f, err := os.Open(db.blobs.path(r.name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := make([]byte, r.size)
	if _, err := f.ReadAt(got, r.off); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, make([]byte, r.size)) {
		t.Error("the erased raw message's range of its pack is not freed")
	}
}

// TestHalfWrittenBlob: a process dies while writing an attachment's file.
// The file is in its place, named by no row, and nothing is left in the
// temporary folder; once older than the safe age, the sweep removes it.
func TestHalfWrittenBlob(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, testKey)
	w, err := db.Blobs().Batch().Create()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(bytes.Repeat([]byte("video "), 30000)); err != nil {
		t.Fatal(err)
	}
	path := w.f.Name() // the process dies here
	if tmp, err := os.ReadDir(db.blobs.TempDir()); err != nil || len(tmp) != 0 {
		t.Fatalf("the temporary folder holds %d files (%v)", len(tmp), err)
	}
	old := time.Now().Add(-2 * orphanAge)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	if o, err := db.SweepOrphans(context.Background(), time.Now(), false); err != nil || o.Files != 1 {
		t.Fatalf("the sweep found %+v, %v", o, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the half-written file is still there: %v", err)
	}
}

// TestBatchFilesShareAFolder: the files of a batch, the packs of its
// attachments and large blobs alike, are named into one folder, so that
// its Sync makes two folders' entries durable (that folder and blobs/),
// whatever the number of blobs; each reads back.
func TestBatchFilesShareAFolder(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	g := db.Blobs().Batch()
	content := map[string][]byte{}
	for i := range 40 {
		data := []byte(strings.Repeat("ảnh ", i+1))
		if i%10 == 0 {
			data = bytes.Repeat([]byte("video "), blobChunkSize/3)
		}
		content[put(t, g.Create, data)] = data
	}
	folders := map[string]bool{}
	for ref := range content {
		r, _ := parseRef(ref)
		if !isFile(db, ref) {
			t.Fatalf("blob %.8s… is no file", ref)
		}
		folders[r.name[:2]] = true
	}
	if len(folders) != 1 || len(g.dirs) != 2 {
		t.Errorf("the batch's files are in %d folders, %d to sync; want 1 and 2 (it and blobs/)", len(folders), len(g.dirs))
	}
	if err := g.Sync(); err != nil {
		t.Fatal(err)
	}
	for ref, want := range content {
		if got, err := read(db.Blobs().Open, ref); err != nil || !bytes.Equal(got, want) {
			t.Errorf("blob %.8s… reads %d bytes, %v; want %d", ref, len(got), err, len(want))
		}
	}
}

// TestBlobFolderSynced: a blob written alone (Put) into a folder of
// blobs/ that it made has that folder's entry in blobs/ made durable too,
// as a batch's Sync does: otherwise a crash could lose the folder, and the
// file that a row names with it.
func TestBlobFolderSynced(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	var synced []string
	defer func(f func(string) error) { syncDir = f }(syncDir)
	sync := syncDir
	syncDir = func(dir string) error { synced = append(synced, dir); return sync(dir) }
	ref, _, err := db.Blobs().Put(strings.NewReader("báo cáo định kỳ"))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := parseRef(ref)
	folder := filepath.Dir(db.blobs.path(r.name))
	for _, want := range []string{folder, filepath.Dir(folder)} {
		if !slices.Contains(synced, want) {
			t.Errorf("%s not synced; synced %q", want, synced)
		}
	}
}

// TestPutSyncsBlobsFolderOnlyWhenMade: a blob written alone syncs its
// folder's entries, and blobs/ only when its folder was just made.
func TestPutSyncsBlobsFolderOnlyWhenMade(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	root := filepath.Join(db.dir, "blobs")
	for i := range 256 {
		if err := os.MkdirAll(filepath.Join(root, fmt.Sprintf("%02x", i)), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	var synced []string
	defer func(f func(string) error) { syncDir = f }(syncDir)
	syncDir = func(dir string) error { synced = append(synced, dir); return nil }
	for range 3 {
		if _, _, err := db.Blobs().Put(strings.NewReader("báo cáo định kỳ")); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range synced {
		if d == root {
			t.Fatalf("blobs/ synced for files whose folders were there: %q", synced)
		}
	}
	if len(synced) != 3 {
		t.Errorf("%d folders synced for 3 files: %q", len(synced), synced)
	}
}

// TestFileFailingAtCommit: a batch's file whose first write fails (the
// disk is full) — at the Sync for a blob of one chunk, written with the
// pack's other pending blobs — fails the Sync, and is closed and removed
// there, as Abort does, rather than left open and named by nothing: a
// message retried on a full disk would otherwise hold one more descriptor
// at every attempt.
func TestFileFailingAtCommit(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	made, _ := unwritableFiles(t)
	batch := db.Blobs().Batch()
	w, err := batch.Create()
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("ảnh chụp hiện trường"))
	if _, err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := batch.Sync(); err == nil {
		t.Fatal("a blob whose file cannot be written synced")
	}
	if len(*made) != 1 {
		t.Fatalf("%d files made, want 1", len(*made))
	}
	if _, err := (*made)[0].Stat(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("the file is still open: %v", err)
	}
	if _, err := os.Stat((*made)[0].Name()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the file is still there: %v", err)
	}
}

// TestSyncAfterLostBlobs: two goroutines of a batch (its parsers) each
// commit a blob and Sync. The pack's pending blobs cannot be written (the
// disk is full) at the first Sync, which fails: the other blob is lost
// with them, and the second Sync, whose caller holds its reference, fails
// too rather than let a row name it — until Close gives the batch's blobs
// up, and the batch takes blobs again.
func TestSyncAfterLostBlobs(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	_, writable := unwritableFiles(t)
	g := db.Blobs().Batch()
	put(t, g.Create, []byte("Phản ánh: đèn đường hỏng"))
	other := put(t, g.Create, []byte("Phản ánh: rác thải ven kênh"))
	if err := g.Sync(); err == nil {
		t.Fatal("blobs that could not be written synced")
	}
	if err := g.Sync(); err == nil {
		if _, rerr := read(db.Blobs().Open, other); rerr != nil {
			t.Errorf("a Sync after the blobs were lost succeeded, and a blob committed before it is gone: %v", rerr)
		}
	}
	writable()
	g.Close()
	later := []byte("Phản ánh: cây đổ chắn đường")
	ref := put(t, g.Create, later)
	if err := g.Sync(); err != nil {
		t.Fatalf("a batch closed after its lost blobs fails its next Sync: %v", err)
	}
	if got, err := read(db.Blobs().Open, ref); err != nil || !bytes.Equal(got, later) {
		t.Errorf("blob reads %q, %v", got, err)
	}
}

// backupAndRestore backs db up into a temporary folder and restores the
// backup into another, beside db's key store, and checks that it restored
// reports reports. It returns the restored store's options.
func backupAndRestore(t *testing.T, db *DB, reports int) Options {
	t.Helper()
	ctx := context.Background()
	backup := filepath.Join(t.TempDir(), "backup")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	into := t.TempDir()
	opt := Options{Path: filepath.Join(into, "phananh.db"), DataDir: filepath.Join(into, "data"), Key: testKey,
		KeysPath: db.keystore.path}
	if res, err := Restore(ctx, backup, "", opt); err != nil || res.Reports != reports {
		t.Fatalf("restored %+v, %v", res, err)
	}
	return opt
}

// queuedAck writes a report, with its raw message when rawRef is not
// empty, and queues its acknowledgement; it returns the report and the
// acknowledgement as the outbox reads it, due.
func queuedAck(t *testing.T, db *DB, rawRef string) (Report, Mail) {
	t.Helper()
	ctx := context.Background()
	var r Report
	err := db.Write(ctx, func(tx *Tx) (err error) {
		if r, err = tx.CreateReport(sample(time.Now())); err != nil {
			return err
		}
		if rawRef != "" {
			if _, err := tx.RecordMessage(Message{RawKey: rawRef, Sender: r.Citizen.Email, Kind: "report",
				ReportCode: r.Code, ReceivedAt: r.ReceivedAt, ProcessedAt: r.ReceivedAt}); err != nil {
				return err
			}
		}
		_, err = tx.Enqueue(Mail{ReportID: r.ID, ReportCode: r.Code, Kind: "ack", To: r.Citizen.Email, Role: "citizen",
			Data: []byte(`{}`)}, r.ReceivedAt)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var due []Mail
	db.Read(ctx, func(tx *Tx) (err error) { due, err = tx.DueMail(time.Now().Add(time.Hour), 10); return err })
	if len(due) != 1 {
		t.Fatalf("due mail %+v", due)
	}
	return r, due[0]
}

// TestSmallBlobsSweptAndBackedUp: a pack that only a raw message names,
// and one that only a sent mail's archive names, are no orphans; a
// backup copies them, and the restored store reads both.
func TestSmallBlobsSweptAndBackedUp(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, testKey)
	ctx := context.Background()
	raw, sent := []byte("From: dan@example.vn\r\n\r\nMất điện ấp 3"), []byte(strings.Repeat("Kính gửi ông/bà. ", 500))
	in := db.Blobs().Batch()
	rawRef := put(t, in.Create, raw)
	if err := in.Sync(); err != nil {
		t.Fatal(err)
	}
	_, ack := queuedAck(t, db, rawRef)
	out := db.Blobs().Batch()
	sentRef := put(t, out.Create, sent)
	if err := out.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := db.Write(ctx, func(tx *Tx) error { return tx.MailSent(ack, time.Now(), sentRef) }); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * orphanAge)
	for _, ref := range []string{rawRef, sentRef} {
		r, _ := parseRef(ref)
		if !r.packed {
			t.Fatalf("blob %.8s… is not packed", ref)
		}
		if err := os.Chtimes(db.blobs.path(r.name), old, old); err != nil {
			t.Fatal(err)
		}
	}
	if o, err := db.SweepOrphans(ctx, time.Now(), false); err != nil || o.Files != 0 {
		t.Fatalf("swept %+v, %v; want no file", o, err)
	}
	opt := backupAndRestore(t, db, 1)
	opt.MailDomain = "haugiang.gov.vn"
	restored, err := Open(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	for ref, want := range map[string][]byte{rawRef: raw, sentRef: sent} {
		if got, err := read(restored.Blobs().Open, ref); err != nil || !bytes.Equal(got, want) {
			t.Errorf("restored blob %.8s…: %d bytes, %v; want %d", ref, len(got), err, len(want))
		}
	}
}

// unwritableFiles makes the files the store creates, until the test ends
// or it calls writable, open read only, so that their writes fail as on a
// full disk; made are the files made so.
func unwritableFiles(t *testing.T) (made *[]*os.File, writable func()) {
	t.Helper()
	var files []*os.File
	create := createIn
	writable = func() { createIn = create }
	t.Cleanup(writable)
	createIn = func(path string) (*os.File, bool, error) {
		f, dir, err := create(path)
		if err != nil {
			return nil, false, err
		}
		f.Close()
		if f, err = os.Open(path); err == nil {
			files = append(files, f)
		}
		return f, dir, err
	}
	return &files, writable
}
