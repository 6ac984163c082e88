package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var testKey = bytes.Repeat([]byte{7}, 32)

func openTest(t testing.TB, dir string, key []byte) *DB {
	t.Helper()
	db, err := Open(context.Background(), Options{
		Path: filepath.Join(dir, "phananh.db"), DataDir: filepath.Join(dir, "data"), Key: key, MailDomain: "haugiang.gov.vn",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// sample is a report full of personal data the privacy test looks for.
func sample(received time.Time) Report {
	return Report{
		State: "received", ReceivedAt: received, Lang: "vi",
		Citizen: Citizen{Email: "nguyen.van.an@gmail.com", Name: "Nguyễn Văn An", Phone: "0912 345 678",
			Address: "số 15 đường Trần Hưng Đạo, phường 1"},
		Location: "hẻm 15 đường Trần Hưng Đạo", Subject: "Hẻm xuống cấp",
		Content: "Hẻm 15 đường Trần Hưng Đạo bị hư hỏng, gọi tôi số 0912 345 678.",
		Routing: Routing{Field: "giao-thong", Unit: "vi-thanh", Agency: "ubnd-vi-thanh", Rule: "giao-thong/each-unit"},
		Missing: []string{"location"},
	}
}

func TestReportCodesPerYear(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	// 31 Dec 2026 23:30 in Vietnam is still 2026 there, though 2026-12-31T16:30Z.
	times := []time.Time{
		time.Date(2026, 12, 31, 16, 30, 0, 0, time.UTC),
		time.Date(2026, 12, 31, 17, 30, 0, 0, time.UTC), // 00:30 on 1 Jan 2027 in Vietnam
		time.Date(2026, 12, 31, 10, 0, 0, 0, time.UTC),
	}
	want := []string{"PA-2026-000001", "PA-2027-000001", "PA-2026-000002"}
	for i, at := range times {
		var got Report
		err := db.Write(ctx, func(tx *Tx) error {
			var err error
			got, err = tx.CreateReport(sample(at))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.Code != want[i] {
			t.Errorf("report %d: code %s, want %s", i, got.Code, want[i])
		}
	}
	// A rolled-back transaction gives its number back: codes have no gaps.
	db.Write(ctx, func(tx *Tx) error {
		tx.CreateReport(sample(times[0]))
		return errors.New("stop")
	})
	db.Write(ctx, func(tx *Tx) error {
		r, err := tx.CreateReport(sample(times[0]))
		if r.Code != "PA-2026-000003" {
			t.Errorf("after a rollback: code %s, want PA-2026-000003", r.Code)
		}
		return err
	})
}

// TestReportCodesInOneGroup: the transactions of one group count the
// year's numbers on from one another, across years, and one that fails
// gives its number back to the next.
func TestReportCodesInOneGroup(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	y26, y27 := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC), time.Date(2027, 1, 5, 1, 0, 0, 0, time.UTC)
	if err := db.Write(ctx, func(tx *Tx) error { _, err := tx.CreateReport(sample(y26)); return err }); err != nil {
		t.Fatal(err)
	}
	times := []time.Time{y26, y27, y26, y26, y27, y26}
	fail := 2
	codes := make([]string, len(times))
	fns := make([]func(*Tx) error, len(times))
	for i, at := range times {
		fns[i] = func(tx *Tx) error {
			r, err := tx.CreateReport(sample(at))
			if err != nil {
				return err
			}
			if i == fail {
				return errors.New("stop")
			}
			codes[i] = r.Code
			return nil
		}
	}
	errs := db.WriteEach(ctx, fns...)
	for i, err := range errs {
		if (err != nil) != (i == fail) {
			t.Fatalf("transaction %d: %v", i, err)
		}
	}
	want := []string{"PA-2026-000002", "PA-2027-000001", "", "PA-2026-000003", "PA-2027-000002", "PA-2026-000004"}
	if !slices.Equal(codes, want) {
		t.Errorf("codes %q, want %q", codes, want)
	}
	// The next group counts on from what the last one committed.
	var next Report
	if err := db.Write(ctx, func(tx *Tx) (err error) { next, err = tx.CreateReport(sample(y27)); return err }); err != nil {
		t.Fatal(err)
	}
	if next.Code != "PA-2027-000003" {
		t.Errorf("next group: code %s, want PA-2027-000003", next.Code)
	}
}

func TestReportRoundTrip(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	in := sample(time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC))
	in.Routing.Edition, in.Routing.Former = "2025", "phuong-i" // codes of the table, kept in clear
	var code string
	if err := db.Write(ctx, func(tx *Tx) error {
		r, err := tx.CreateReport(in)
		code = r.Code
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var got Report
	if err := db.Read(ctx, func(tx *Tx) error {
		var err error
		got, err = tx.Report(code)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got.Citizen != in.Citizen || got.Content != in.Content || got.Routing != in.Routing ||
		!got.ReceivedAt.Equal(in.ReceivedAt) || strings.Join(got.Missing, ",") != "location" {
		t.Errorf("read back %+v\nwant %+v", got, in)
	}
	err := db.Read(ctx, func(tx *Tx) error { _, err := tx.Report("PA-2026-999999"); return err })
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("missing report: %v, want ErrNotFound", err)
	}
}

func TestWrongKeyRefused(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, testKey)
	db.Close()
	_, err := Open(context.Background(), Options{Path: filepath.Join(dir, "phananh.db"), DataDir: filepath.Join(dir, "data"),
		Key: bytes.Repeat([]byte{8}, 32)})
	if !errors.Is(err, ErrWrongKey) {
		t.Fatalf("open with another key: %v, want ErrWrongKey", err)
	}
}

func TestSealBoundToRowAndColumn(t *testing.T) {
	k, _ := deriveKeys(testKey)
	sealed := k.seal("reports", "phone", 1, "0912345678")
	if v, err := k.open("reports", "phone", 1, sealed); err != nil || v != "0912345678" {
		t.Fatalf("open: %q, %v", v, err)
	}
	for _, c := range []struct {
		table, col string
		row        int64
	}{{"reports", "phone", 2}, {"reports", "address", 1}, {"outbox", "phone", 1}} {
		if _, err := k.open(c.table, c.col, c.row, sealed); !errors.Is(err, errOpen) {
			t.Errorf("open as %s.%s#%d: %v, want errOpen", c.table, c.col, c.row, err)
		}
	}
}

func TestEventsAppendOnly(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	err := db.Write(ctx, func(tx *Tx) error {
		r, err := tx.CreateReport(sample(time.Now()))
		if err != nil {
			return err
		}
		return tx.AppendEvent(r.ID, Event{At: time.Now(), Actor: "system", Command: "ingest", To: "received"})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE events SET actor = 'x'`, `DELETE FROM events`} {
		err := db.Write(ctx, func(tx *Tx) error { _, err := tx.exec(q); return err })
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want append-only refusal", q, err)
		}
	}
}

func TestBlobRoundTrip(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	for _, size := range []int{0, 1, blobChunkSize - 1, blobChunkSize, blobChunkSize + 1, 3*blobChunkSize + 5} {
		data := bytes.Repeat([]byte("phản ánh "), size/len("phản ánh ")+1)[:size]
		key, n, err := db.Blobs().Put(bytes.NewReader(data))
		if err != nil || n != int64(size) {
			t.Fatalf("size %d: put: %d, %v", size, n, err)
		}
		rc, err := db.Blobs().Open(key)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("size %d: read %d bytes, %v", size, len(got), err)
		}
	}
}

// TestBatchBlobRoundTrip: a batch's blob reads back as written whatever
// its size, its first chunk (sealed behind the header in a buffer of the
// pool, then written with it) full or not, alone or before others.
func TestBatchBlobRoundTrip(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	g := db.Blobs().Batch()
	want := map[string][]byte{}
	for _, size := range []int{0, 1, blobChunkSize - 1, blobChunkSize, blobChunkSize + 1, 2 * blobChunkSize, 3*blobChunkSize + 5} {
		data := bytes.Repeat([]byte("phản ánh "), size/len("phản ánh ")+1)[:size]
		want[put(t, g.Create, data)] = data
	}
	if err := g.Sync(); err != nil {
		t.Fatal(err)
	}
	for ref, data := range want {
		if got, err := read(db.Blobs().Open, ref); err != nil || !bytes.Equal(got, data) {
			t.Errorf("blob of %d bytes reads %d bytes, %v", len(data), len(got), err)
		}
	}
}

func TestBlobTamperDetected(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	data := bytes.Repeat([]byte{'x'}, 2*blobChunkSize+100)
	key, _, err := db.Blobs().Put(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := parseRef(key)
	path := db.Blobs().path(ref.name)
	orig, _ := os.ReadFile(path)
	damage := map[string][]byte{
		"flipped byte":    flip(orig, len(orig)/2),
		"truncated chunk": orig[:len(orig)-10],
		"dropped chunk":   orig[:len(blobMagic)+blobChunkSize+16],
	}
	for name, b := range damage {
		os.Chmod(path, 0o600)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		rc, err := db.Blobs().Open(key)
		if err == nil {
			_, err = io.ReadAll(rc)
			rc.Close()
		}
		if err == nil {
			t.Errorf("%s: read without error", name)
		}
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 1
	return c
}

// TestNoPersonalDataInClear writes a report, its events, attachment and
// mail, then searches every byte of the database files and the data folder
// for the personal data: none may appear.
func TestNoPersonalDataInClear(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, testKey)
	ctx := context.Background()
	r := sample(time.Now())
	err := db.Write(ctx, func(tx *Tx) error {
		rep, err := tx.CreateReport(r)
		if err != nil {
			return err
		}
		key, size, err := db.Blobs().Put(strings.NewReader("From: " + r.Citizen.Name + " <" + r.Citizen.Email + ">\r\n\r\n" + r.Content))
		if err != nil {
			return err
		}
		if _, err := tx.RecordMessage(Message{RawKey: key, RawSize: size, Sender: r.Citizen.Email, Kind: "report",
			ReportCode: rep.Code, MessageID: "abc@gmail.com", ReceivedAt: time.Now(), ProcessedAt: time.Now()}); err != nil {
			return err
		}
		if _, err := tx.AddAttachment(rep.ID, Attachment{Role: "report", Name: r.Citizen.Name + ".jpg", Type: "image/jpeg",
			BlobKey: key, Photo: &Photo{HasGPS: true, Lat: 9.784, Lon: 105.47}}); err != nil {
			return err
		}
		if err := tx.AppendEvent(rep.ID, Event{At: time.Now(), Actor: "system", Command: "/note gọi " + r.Citizen.Phone}); err != nil {
			return err
		}
		_, err = tx.Enqueue(Mail{ReportID: rep.ID, ReportCode: rep.Code, Kind: "ack", To: r.Citizen.Email, Role: "citizen",
			Data: []byte(`{"name":"` + r.Citizen.Name + `","address":"` + r.Citizen.Address + `"}`)}, time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	needles := []string{r.Citizen.Phone, "0912345678", "912345678", r.Citizen.Name, r.Citizen.Email, "Trần Hưng Đạo", "Tran Hung Dao", "9.784"}
	found := scanTree(t, dir, needles)
	for _, f := range found {
		t.Error(f)
	}
}

// scanTree returns "needle in file" for every needle found in any file
// under dir, in UTF-8 and in the UTF-16 forms SQLite could use.
func scanTree(t *testing.T, dir string, needles []string) []string {
	var found []string
	readTree(t, dir, func(path string, b []byte) {
		for _, n := range needles {
			if bytes.Contains(b, []byte(n)) || bytes.Contains(bytes.ToLower(b), []byte(strings.ToLower(n))) {
				found = append(found, fmt.Sprintf("%q in %s", n, path))
			}
		}
	})
	return found
}

// readTree calls fn with the path and the bytes of every file under dir.
func readTree(t *testing.T, dir string, fn func(path string, b []byte)) {
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		fn(path, b)
		return nil
	})
}

// TestTwoWriters runs two store handles on one file, as `phananh ingest`
// beside `phananh serve`: no transaction may fail with "database is locked".
func TestTwoWriters(t *testing.T) {
	dir := t.TempDir()
	a, b := openTest(t, dir, testKey), openTest(t, dir, testKey)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for _, db := range []*DB{a, b} {
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 20 {
					errs <- db.Write(ctx, func(tx *Tx) error {
						_, err := tx.CreateReport(sample(time.Now()))
						return err
					})
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int
	a.Read(ctx, func(tx *Tx) error { return tx.queryRow(`SELECT count(DISTINCT code) FROM reports`).Scan(&n) })
	if n != 160 {
		t.Errorf("%d distinct codes, want 160", n)
	}
}

func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, testKey)
	ctx := context.Background()
	stop := make(chan struct{})
	done := make(chan struct{})
	first := make(chan struct{}) // closed once a report is committed
	go func() {
		defer close(done)
		committed := first
		for {
			select {
			case <-stop:
				return
			default:
			}
			err := db.Write(ctx, func(tx *Tx) error {
				key, _, err := db.Blobs().Put(strings.NewReader(time.Now().String()))
				if err != nil {
					return err
				}
				r, err := tx.CreateReport(sample(time.Now()))
				if err != nil {
					return err
				}
				_, err = tx.AddAttachment(r.ID, Attachment{Role: "report", BlobKey: key})
				return err
			})
			if err == nil && committed != nil {
				close(committed)
				committed = nil
			}
		}
	}()
	// The backup starts once reports are being written, however slowly
	// the writer's first group starts (under the race detector, or on a
	// busy machine), rather than after a fixed sleep.
	select {
	case <-first:
	case <-time.After(30 * time.Second):
		close(stop)
		<-done
		t.Fatal("no report committed in 30 s")
	}
	time.Sleep(20 * time.Millisecond)
	dest := filepath.Join(t.TempDir(), "backup")
	err := db.Backup(ctx, dest)
	close(stop)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	copyDB, err := Open(ctx, Options{Path: filepath.Join(dest, "phananh.db"), DataDir: filepath.Join(dest, "data"),
		KeysPath: filepath.Join(dir, "phananh-keys.db"), Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	// Every blob the snapshot refers to must be in the copied data folder.
	var keys []string
	err = copyDB.Read(ctx, func(tx *Tx) error {
		ids, err := tx.ids(`SELECT id FROM reports`)
		if err != nil {
			return err
		}
		for _, id := range ids {
			as, err := tx.Attachments(id, "")
			if err != nil {
				return err
			}
			for _, a := range as {
				keys = append(keys, a.BlobKey)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		t.Fatal("the backup holds no report")
	}
	for _, k := range keys {
		rc, err := copyDB.Blobs().Open(k)
		if err != nil {
			t.Fatalf("blob %s missing from the backup: %v", k, err)
		}
		rc.Close()
	}
}
