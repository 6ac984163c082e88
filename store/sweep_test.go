package store

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// orphanPack writes a synced pack that no row names, changed two orphan
// ages ago, and returns its file's path.
func orphanPack(t *testing.T, db *DB) string {
	t.Helper()
	g := db.Blobs().Batch()
	ref := put(t, g.Create, photo(9000, 3))
	if err := g.Sync(); err != nil {
		t.Fatal(err)
	}
	r, _ := parseRef(ref)
	p := db.blobs.path(r.name)
	aged(t, p)
	return p
}

// aged sets the time of change of the file at path two orphan ages ago.
func aged(t *testing.T, path string) {
	t.Helper()
	old := time.Now().Add(-2 * orphanAge)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
}

// TestSweepBesideSweep: a sweep started while another has its files set
// aside — the start-up one of a daemon started just before the nightly
// job — leaves them where they are: putting them back would let a
// stalled batch name a pack the first sweep has judged, and then removes.
func TestSweepBesideSweep(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	p := orphanPack(t, db)
	step := sweepStep
	defer func() { sweepStep = step }()
	second := false
	sweepStep = func(s string) {
		if s != "aside" || second {
			return
		}
		second = true
		if _, err := db.SweepOrphans(ctx, time.Now(), false); err != nil {
			t.Errorf("the second sweep: %v", err)
		}
		if _, err := os.Stat(p + asideSuffix); err != nil {
			t.Errorf("the first sweep's file is no longer aside: %v", err)
		}
	}
	o, err := db.SweepOrphans(ctx, time.Now(), false)
	if err != nil || o.Files != 1 {
		t.Errorf("swept %+v, %v; want the orphan pack", o, err)
	}
	if !second {
		t.Fatal("the sweep set nothing aside")
	}
	for _, f := range []string{p, p + asideSuffix} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s is still there", f)
		}
	}
}

// TestMailSentPackUnreadable: a stat of the archive's pack that fails
// for another reason than its absence (an I/O error, a link loop) says
// nothing of a sweep: the mail is recorded sent with its archive, which
// opens once the pack can be read again.
func TestMailSentPackUnreadable(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	r, ack := queuedAck(t, db, "")
	g := db.Blobs().Batch()
	body := []byte("Kính gửi ông/bà.")
	sent := put(t, g.Create, body)
	if err := g.Sync(); err != nil {
		t.Fatal(err)
	}
	g.Close()
	pr, _ := parseRef(sent)
	p := db.blobs.path(pr.name)
	if err := os.Rename(p, p+".real"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(p, p); err != nil { // stat: too many links
		t.Skip(err)
	}
	err := db.Write(ctx, func(tx *Tx) error { return tx.MailSent(ack, time.Now(), sent) })
	if err != nil {
		t.Fatalf("the mail is not recorded sent: %v", err)
	}
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(p+".real", p); err != nil {
		t.Fatal(err)
	}
	var mails []Mail
	db.Read(ctx, func(tx *Tx) (err error) { mails, err = tx.ReportMail(r.ID); return err })
	if len(mails) != 1 || mails[0].State != "sent" || mails[0].SentKey != sent {
		t.Fatalf("mail recorded %+v; want sent, with its archive", mails)
	}
	b, err := db.Blobs().Open(mails[0].SentKey)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if got, err := io.ReadAll(b); err != nil || !bytes.Equal(got, body) {
		t.Errorf("the archive reads %q, %v", got, err)
	}
}

// TestBackupWhileAside: a backup taken while a pack that a row names is
// set aside — by a sweep beside a stalled batch that committed before its
// second reading, or one killed before it put the pack back — copies it
// under its name, and the backup restores; a backup that holds it aside
// (of an earlier version) is restored with it put back.
func TestBackupWhileAside(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	_, refs := packedReports(t, db, db.Blobs().Batch(), photo(9000, 1))
	r, _ := parseRef(refs[0])
	p := db.blobs.path(r.name)
	if err := os.Rename(p, p+asideSuffix); err != nil {
		t.Fatal(err)
	}
	opt := backupAndRestore(t, db, 1)
	if _, err := os.Stat(filepath.Join(opt.DataDir, "blobs", r.name[:2], r.name)); err != nil {
		t.Errorf("the pack is not restored under its name: %v", err)
	}

	ctx := context.Background()
	backup := filepath.Join(t.TempDir(), "backup")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	copied := filepath.Join(backup, "data", "blobs", r.name[:2], r.name)
	if err := os.Rename(copied, copied+asideSuffix); err != nil {
		t.Fatal(err)
	}
	into := t.TempDir()
	opt = Options{Path: filepath.Join(into, "phananh.db"), DataDir: filepath.Join(into, "data"), Key: testKey,
		KeysPath: db.keystore.path}
	if res, err := Restore(ctx, backup, "", opt); err != nil || res.Reports != 1 {
		t.Errorf("a backup holding the pack aside restored %+v, %v", res, err)
	}
}

// TestEnqueueFileAside: a mail whose files are files of their own (a
// periodic report's, written outside the transaction that queues the
// mail) is refused while the sweep has one of them set aside — the
// clock stepped forward an hour between the file's writing and the
// mail's queueing, or the data folder's server keeps another time — and
// queued when its files are in place, in the database of an earlier
// version, or of release 1.
func TestEnqueueFileAside(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	file := func(content string) string {
		ref, _, err := db.Blobs().Put(strings.NewReader(content))
		if err != nil {
			t.Fatal(err)
		}
		return ref
	}
	enqueue := func(refs ...string) error {
		var files []MailFile
		for i, ref := range refs {
			files = append(files, MailFile{BlobKey: ref, Name: fmt.Sprintf("bao-cao-%d.csv", i), Type: "text/csv"})
		}
		return db.Write(ctx, func(tx *Tx) error {
			_, err := tx.Enqueue(Mail{Kind: "periodic-report", To: "ldvp@haugiang.gov.vn", Role: "reports",
				Data: []byte(`{}`), Attachments: files}, time.Now())
			return err
		})
	}
	inPlace, kept, aside := file("a;b\r\n"), file("c;d\r\n"), file("e;f\r\n")
	keptInDatabase(t, db, kept)
	r, _ := parseRef(aside)
	if err := os.Rename(db.blobs.path(r.name), db.blobs.path(r.name)+asideSuffix); err != nil {
		t.Fatal(err)
	}
	if err := enqueue(inPlace, kept, strings.Repeat("5e", legacyBlobName/2)); err != nil {
		t.Errorf("a mail whose files are in place is refused: %v", err)
	}
	if err := enqueue(inPlace, aside); err == nil {
		t.Error("a mail naming a file set aside is queued")
	}
}

// TestOpenAside: a blob whose file the sweep has set aside while a row
// names it — until its second reading puts it back, or the next sweep
// after one killed — still opens: the outbox takes a mail's file that
// does not open for gone, and fails the mail for good.
func TestOpenAside(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	file, _, err := db.Blobs().Put(strings.NewReader("a;b\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, refs := packedReports(t, db, db.Blobs().Batch(), photo(9000, 1))
	for _, ref := range []string{file, refs[0]} {
		r, _ := parseRef(ref)
		if err := os.Rename(db.blobs.path(r.name), db.blobs.path(r.name)+asideSuffix); err != nil {
			t.Fatal(err)
		}
		b, err := db.Blobs().Open(ref)
		if err != nil {
			t.Errorf("a blob set aside does not open: %v", err)
			continue
		}
		if _, err := io.Copy(io.Discard, b); err != nil {
			t.Errorf("a blob set aside does not read: %v", err)
		}
		b.Close()
	}
}

// TestPoolAfterClockStep: the wall clock steps forward two hours (a
// virtual machine resumed, NTP correcting a clock kept in local time)
// while another process — phananh ingest beside serve — holds a pool of
// data keys made just before. The sweep judges keys by their making on
// the wall clock, and removes those two hours old that no report names;
// the pool must then give none of them, or a report is committed under a
// key that is gone, and never opens again.
func TestPoolAfterClockStep(t *testing.T) {
	dir := t.TempDir()
	ingest, serve := openTest(t, dir, testKey), openTest(t, dir, testKey)
	ctx := context.Background()
	report := func() Report {
		t.Helper()
		var r Report
		err := ingest.Write(ctx, func(tx *Tx) (err error) { r, err = tx.CreateReport(sample(time.Now())); return err })
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	report() // the pool is made
	wall := wallNow
	defer func() { wallNow = wall }()
	stepped := time.Now().Add(2*orphanAge + time.Minute)
	wallNow = func() time.Time { return stepped }
	if o, err := serve.SweepOrphans(ctx, stepped, false); err != nil || o.Keys == 0 {
		t.Fatalf("swept %+v, %v; want the other process's pool", o, err)
	}
	r := report()
	err := serve.Read(ctx, func(tx *Tx) error { _, err := tx.ReportByID(r.ID); return err })
	if err != nil {
		t.Errorf("a report made after the clock stepped does not open: %v", err)
	}
}

// TestSweepKilled: a sweep killed after it set aside a pack that a
// stalled batch named meanwhile, and an orphan pack beside it. Before the
// next sweep, the named pack's blobs open, and a backup of the store
// restores; the next sweep puts the named pack back and removes the
// orphan.
func TestSweepKilled(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, testKey)
	ctx := context.Background()
	orphan := orphanPack(t, db)
	g := db.Blobs().Batch()
	img := photo(9000, 1)
	ref := put(t, g.Create, img)
	if err := g.Sync(); err != nil {
		t.Fatal(err)
	}
	r, _ := parseRef(ref)
	named := db.blobs.path(r.name)
	aged(t, named)
	step := sweepStep
	defer func() { sweepStep = step }()
	sweepStep = func(s string) {
		switch s {
		case "listed": // the stalled batch commits
			err := db.Write(ctx, func(tx *Tx) error {
				rp, err := tx.CreateReport(sample(time.Now()))
				if err != nil {
					return err
				}
				_, err = tx.AddAttachment(rp.ID, Attachment{Role: "report", Name: "ảnh.jpg", Type: "image/jpeg", BlobKey: ref})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		case "aside":
			panic("killed")
		}
	}
	func() {
		defer func() { recover() }()
		db.SweepOrphans(ctx, time.Now(), false)
	}()
	sweepStep = step
	for _, p := range []string{orphan, named} {
		if _, err := os.Stat(p + asideSuffix); err != nil {
			t.Fatalf("the killed sweep left nothing aside: %v", err)
		}
	}
	db.Close()
	db = openTest(t, dir, testKey)
	if got, err := read(db.Blobs().Open, ref); err != nil || !bytes.Equal(got, img) {
		t.Errorf("the named photo reads %d bytes, %v", len(got), err)
	}
	backupAndRestore(t, db, 1)
	if o, err := db.SweepOrphans(ctx, time.Now(), false); err != nil || o.Files != 1 {
		t.Errorf("the next sweep removed %+v, %v; want the orphan", o, err)
	}
	if _, err := os.Stat(named); err != nil {
		t.Errorf("the named pack is not put back: %v", err)
	}
	for _, p := range []string{orphan, orphan + asideSuffix, named + asideSuffix} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s is still there", p)
		}
	}
}

// TestEraseAside: a report erased while the pack of its photo is set
// aside (a sweep killed beside the batch that named it, and the erasure
// finished at start, before the next sweep) has the photo's range freed
// all the same: the pack the next sweep puts back holds nothing of it.
func TestEraseAside(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	img := photo(9000, 1)
	rs, refs := packedReports(t, db, db.Blobs().Batch(), img)
	r, _ := parseRef(refs[0])
	p := db.blobs.path(r.name)
	if err := os.Rename(p, p+asideSuffix); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Erase(ctx, rs[0].Code, Erasure{At: time.Now(), Cause: ErasureRequest}, allowAll); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SweepOrphans(ctx, time.Now(), false); err != nil {
		t.Fatal(err)
	}
	pack, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("the pack is not put back: %v", err)
	}
	if rng := pack[r.off : r.off+r.size]; !bytes.Equal(rng, make([]byte, len(rng))) {
		t.Error("the erased photo's range is left in its pack")
	}
}

// TestBackupWhileSetAsideAndBack: a backup that lists a pack a row names
// while the orphan sweep sets it aside and then puts it back — by the time
// the backup tries it under its name it is aside, by the time it tries the
// name aside it is back — copies it all the same, and restores: the sweep
// renames a file twice (SweepOrphans), and a backup that left it out would
// be refused at its restore, lacking a blob its rows name.
func TestBackupWhileSetAsideAndBack(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	_, refs := packedReports(t, db, db.Blobs().Batch(), photo(9000, 1))
	r, _ := parseRef(refs[0])
	p := db.blobs.path(r.name)
	defer func(f func(string)) { beforeLiveCopy = f }(beforeLiveCopy)
	tries := 0
	beforeLiveCopy = func(path string) {
		if path != p && path != p+asideSuffix {
			return
		}
		tries++
		switch tries {
		case 1: // listed under its name, set aside since
			os.Rename(p, p+asideSuffix)
		case 2: // tried aside: put back since
			os.Rename(p+asideSuffix, p)
		}
	}
	opt := backupAndRestore(t, db, 1)
	if _, err := os.Stat(filepath.Join(opt.DataDir, "blobs", r.name[:2], r.name)); err != nil {
		t.Errorf("the pack is not restored under its name: %v", err)
	}
}
