package store

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// forgedRef is ref with its range replaced by [off, off+size).
func forgedRef(t *testing.T, ref string, off, size int64) string {
	t.Helper()
	r, err := parseRef(ref)
	if err != nil || !r.packed {
		t.Fatalf("%q is no packed reference: %v", ref, err)
	}
	r.off, r.size = off, size
	return r.String()
}

// TestForgedRangeRefused: a packed reference whose range is not its
// blob's — past the pack's end, overflowing, over the next blob's bytes —
// reads as an error, never as another blob's bytes, and never panics.
func TestForgedRangeRefused(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	g := db.Blobs().Batch()
	a, b := photo(3*blobChunkSize+9, 1), photo(5000, 2)
	refA, refB := put(t, g.Create, a), put(t, g.Create, b)
	if err := g.Sync(); err != nil {
		t.Fatal(err)
	}
	ra, _ := parseRef(refA)
	rb, _ := parseRef(refB)
	const max = 1<<63 - 1
	for what, ref := range map[string]string{
		"past the end":       forgedRef(t, refA, rb.off+rb.size+10, ra.size),
		"overflowing":        forgedRef(t, refA, max-1, max),
		"all of the pack":    forgedRef(t, refA, 0, max),
		"over the next blob": forgedRef(t, refA, ra.off, ra.size+rb.size),
		"the next blob's":    forgedRef(t, refA, rb.off, rb.size),
		"empty":              forgedRef(t, refA, ra.off, 0),
	} {
		if got, err := read(db.Blobs().Open, ref); err == nil {
			t.Errorf("%s: read %d bytes, no error", what, len(got))
		}
	}
}

// TestEraseForgedRange: erasing a report one of whose rows holds a
// reference forged or damaged to name a range that is not its blob's —
// the next blob's bytes with its own, the whole pack, an overflowing
// range — frees no byte of the other reports' blobs, and the erasure
// finishes, as do the erasures after it.
func TestEraseForgedRange(t *testing.T) {
	const max = 1<<63 - 1
	whole := func(ra, rb blobRef) int64 { return -1 } // the pack named as a blob file
	for _, c := range []struct {
		name      string
		off, size func(ra, rb blobRef) int64
	}{
		{"the pack as a blob file", whole, whole},
		{"over the next blob", func(ra, rb blobRef) int64 { return ra.off }, func(ra, rb blobRef) int64 { return rb.off + rb.size - ra.off }},
		{"all of the pack", func(ra, rb blobRef) int64 { return 0 }, func(ra, rb blobRef) int64 { return max }},
		{"overflowing", func(ra, rb blobRef) int64 { return max - 1 }, func(ra, rb blobRef) int64 { return max }},
		{"past the end", func(ra, rb blobRef) int64 { return rb.off + rb.size + 1 }, func(ra, rb blobRef) int64 { return 1 << 40 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := openTest(t, t.TempDir(), testKey)
			ctx := context.Background()
			g := db.Blobs().Batch()
			imgA, imgB, imgC := photo(200_000, 1), photo(5000, 2), photo(7000, 3)
			rs, refs := packedReports(t, db, g, imgA, imgB, imgC)
			ra, _ := parseRef(refs[0])
			rb, _ := parseRef(refs[1])
			if rb.name != ra.name || rb.off < ra.off+ra.size {
				t.Fatalf("the photos are not one after the other in one pack: %q, %q", refs[0], refs[1])
			}
			forged := forgedRef(t, refs[0], c.off(ra, rb), c.size(ra, rb))
			if c.off(ra, rb) < 0 {
				f := ra
				f.packed = false
				forged = f.String()
			}
			err := db.Write(ctx, func(tx *Tx) error {
				_, err := tx.AddAttachment(rs[0].ID, Attachment{Role: "report", Name: "giả.jpg", Type: "image/jpeg", BlobKey: forged})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range []Report{rs[0], rs[2]} {
				closeReport(t, db, r.Code, time.Now())
				if _, err := db.Erase(ctx, r.Code, Erasure{At: time.Now(), Cause: ErasureRequest}, allowAll); err != nil {
					t.Errorf("erasing %s: %v", r.Code, err)
				}
			}
			if got, err := read(db.Blobs().Open, refs[1]); err != nil || !bytes.Equal(got, imgB) {
				t.Errorf("the other report's photo reads %d bytes, %v", len(got), err)
			}
			if got, err := read(db.Blobs().Open, refs[0]); err == nil {
				t.Errorf("the erased photo reads %d bytes", len(got))
			}
			var pending int
			db.Read(ctx, func(tx *Tx) error {
				return tx.queryRow(`SELECT count(*) FROM erasures WHERE done_at IS NULL`).Scan(&pending)
			})
			if pending > 0 {
				t.Errorf("%d erasures left unfinished", pending)
			}
		})
	}
}

// TestEraseStraysForgedRange: the retention of a message that became no
// report, whose raw message's reference is forged or damaged to name a
// report's photo, frees no byte of that photo.
func TestEraseStraysForgedRange(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	g := db.Blobs().Batch()
	img := photo(200_000, 1)
	_, refs := packedReports(t, db, g, img)
	r, _ := parseRef(refs[0])
	forged := forgedRef(t, refs[0], r.off, r.size+1)
	at := time.Now().Add(-time.Hour)
	err := db.Write(ctx, func(tx *Tx) error {
		_, err := tx.RecordMessage(Message{RawKey: forged, Sender: "spam@example.com", Kind: "junk", ReceivedAt: at, ProcessedAt: at})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.EraseStrays(ctx, time.Now(), 10); err != nil || n != 1 {
		t.Fatalf("erased %d strays, %v; want 1", n, err)
	}
	if got, err := read(db.Blobs().Open, refs[0]); err != nil || !bytes.Equal(got, img) {
		t.Errorf("the report's photo reads %d bytes, %v", len(got), err)
	}
}

// TestSyncPackSwept: a batch open longer than the orphan age — its
// pack's last append an hour old when the sweep of another process runs
// — finds at its Sync that its pack was removed, and says so, rather than
// let rows name blobs no longer on disk.
func TestSyncPackSwept(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	g := db.Blobs().Batch()
	ref := put(t, g.Create, photo(9000, 1))
	r, _ := parseRef(ref)
	old := time.Now().Add(-2 * orphanAge)
	if err := os.Chtimes(db.blobs.path(r.name), old, old); err != nil {
		t.Fatal(err)
	}
	if o, err := db.SweepOrphans(ctx, time.Now(), false); err != nil || o.Files != 1 {
		t.Fatalf("swept %+v, %v; want the pack", o, err)
	}
	if err := g.Sync(); err == nil {
		t.Errorf("the batch synced a pack the sweep removed: no error")
	}
}

// TestSweepBesideStalledBatch: a batch stalled for over an hour syncs its
// pack and commits the rows that name it while the sweep of another
// process is between its steps — after it listed the orphans, after it set
// them aside — or after it. Either the rows are refused, or the pack
// is kept and their blobs open: no row names a pack removed.
func TestSweepBesideStalledBatch(t *testing.T) {
	for _, c := range []struct{ sync, commit string }{
		{"listed", "listed"}, {"listed", "aside"}, {"listed", "done"}, {"aside", "aside"},
	} {
		t.Run(c.sync+"-"+c.commit, func(t *testing.T) {
			db := openTest(t, t.TempDir(), testKey)
			ctx := context.Background()
			g := db.Blobs().Batch()
			img := photo(9000, 1)
			ref := put(t, g.Create, img)
			raw := put(t, g.Create, []byte("From: dan@example.vn\r\n\r\nMất điện"))
			r, _ := parseRef(ref)
			old := time.Now().Add(-2 * orphanAge)
			if err := os.Chtimes(db.blobs.path(r.name), old, old); err != nil {
				t.Fatal(err)
			}
			var synced, tried bool
			var committed error
			commit := func() {
				tried = true
				committed = db.Write(ctx, func(tx *Tx) error {
					rp, err := tx.CreateReport(sample(time.Now()))
					if err != nil {
						return err
					}
					if _, err := tx.RecordMessage(Message{RawKey: raw, Sender: rp.Citizen.Email, Kind: "report",
						ReportCode: rp.Code, ReceivedAt: rp.ReceivedAt, ProcessedAt: rp.ReceivedAt}); err != nil {
						return err
					}
					_, err = tx.AddAttachment(rp.ID, Attachment{Role: "report", Name: "ảnh.jpg", Type: "image/jpeg", BlobKey: ref})
					return err
				})
			}
			step := sweepStep
			defer func() { sweepStep = step }()
			sweepStep = func(s string) {
				if s == c.sync {
					synced = g.Sync() == nil
				}
				if s == c.commit && synced {
					commit()
				}
			}
			if _, err := db.SweepOrphans(ctx, time.Now(), false); err != nil {
				t.Fatal(err)
			}
			if !tried && synced {
				commit()
			}
			if !synced || committed != nil {
				return // refused: the batch's messages are fetched again
			}
			b, err := db.Blobs().Open(ref)
			if err != nil {
				t.Fatalf("a committed row names a blob that does not open: %v", err)
			}
			defer b.Close()
			if got, err := io.ReadAll(b); err != nil || !bytes.Equal(got, img) {
				t.Errorf("the committed photo reads back %d bytes, %v", len(got), err)
			}
			if o, err := db.SweepOrphans(ctx, time.Now(), false); err != nil || o.Files != 0 {
				t.Errorf("a second sweep removed %+v, %v; want nothing", o, err)
			}
		})
	}
}

// TestMailSentArchiveSwept: the outbox records a mail the server
// accepted while the sweep has the pack of its archive set aside (an
// outbox batch stalled an hour): the mail is recorded sent, so that it is
// never sent again, without an archive naming a pack that may go.
func TestMailSentArchiveSwept(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	r, ack := queuedAck(t, db, "")
	g := db.Blobs().Batch()
	sent := put(t, g.Create, []byte("Kính gửi ông/bà."))
	if err := g.Sync(); err != nil {
		t.Fatal(err)
	}
	p, _ := parseRef(sent)
	if err := os.Rename(db.blobs.path(p.name), db.blobs.path(p.name)+asideSuffix); err != nil {
		t.Fatal(err)
	}
	if err := db.Write(ctx, func(tx *Tx) error { return tx.MailSent(ack, time.Now(), sent) }); err != nil {
		t.Fatalf("the mail is not recorded sent: %v", err)
	}
	var mails []Mail
	db.Read(ctx, func(tx *Tx) (err error) { mails, err = tx.ReportMail(r.ID); return err })
	if len(mails) != 1 || mails[0].State != "sent" || mails[0].SentKey != "" {
		t.Errorf("mail recorded %+v; want sent, with no archive", mails)
	}
}

// TestSweepPutsBackAside: a pack a sweep set aside when it was killed is
// put back by the next sweep, which keeps it when a row names it.
func TestSweepPutsBackAside(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	_, refs := packedReports(t, db, db.Blobs().Batch(), photo(9000, 1))
	r, _ := parseRef(refs[0])
	p := db.blobs.path(r.name)
	old := time.Now().Add(-2 * orphanAge)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(p, p+asideSuffix); err != nil {
		t.Fatal(err)
	}
	if o, err := db.SweepOrphans(context.Background(), time.Now(), false); err != nil || o.Files != 0 {
		t.Errorf("swept %+v, %v; want nothing", o, err)
	}
	b, err := db.Blobs().Open(refs[0])
	if err != nil {
		t.Fatalf("the pack set aside is not put back: %v", err)
	}
	b.Close()
}

// TestPackStress: eight parsers stream blobs into one batch at once —
// some aborted part way, some too small for a file — while the batch is
// synced again and again (a batch's Sync beside its parsers). Every blob
// committed reads back once the batch is synced, and no two blobs'
// ranges overlap in a pack.
func TestPackStress(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	g := db.Blobs().Batch()
	var mu sync.Mutex
	content := map[string][]byte{}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var syncs sync.WaitGroup
	syncs.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				if err := g.Sync(); err != nil {
					t.Error(err)
				}
			}
		}
	})
	for p := range 8 {
		wg.Go(func() {
			for i := range 12 {
				w, err := g.Create()
				if err != nil {
					t.Error(err)
					return
				}
				data := photo(1+(p*7919+i*104729)%(3*blobChunkSize), byte(p*16+i))
				for j := 0; j < len(data); j += 4096 {
					w.Write(data[j:min(j+4096, len(data))])
				}
				if i%5 == 3 {
					w.Abort()
					continue
				}
				ref, err := w.Commit()
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				content[ref] = data
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(stop)
	syncs.Wait()
	if err := g.Sync(); err != nil {
		t.Fatal(err)
	}
	type span struct{ off, end int64 }
	packs := map[string][]span{}
	for ref, want := range content {
		r, _ := parseRef(ref)
		if r.packed {
			for _, s := range packs[r.name] {
				if r.off < s.end && s.off < r.off+r.size {
					t.Errorf("%s: [%d, %d) overlaps [%d, %d)", r.name, r.off, r.off+r.size, s.off, s.end)
				}
			}
			packs[r.name] = append(packs[r.name], span{r.off, r.off + r.size})
		}
		if got, err := read(g.Open, ref); err != nil || !bytes.Equal(got, want) {
			t.Errorf("blob of %d bytes reads %d, %v", len(want), len(got), err)
		}
	}
}

// TestPackReaderClosedTwice: a reader of a packed blob closed twice (a
// deferred Close after an explicit one) gives its pack's descriptor back
// once: another reader of the same pack still reads to its end once the
// pack is let go from the packs kept open.
func TestPackReaderClosedTwice(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	want := photo(300_000, 1)
	var refs []string
	for i := range maxOpenPacks + 1 {
		g := db.Blobs().Batch()
		refs = append(refs, put(t, g.Create, photo(300_000, byte(i+1))))
		if err := g.Sync(); err != nil {
			t.Fatal(err)
		}
	}
	r1, err := db.Blobs().Open(refs[0])
	if err != nil {
		t.Fatal(err)
	}
	r2, err := db.Blobs().Open(refs[0])
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	r1.Close()
	r1.Close()
	for _, ref := range refs[1:] { // the packs read since: the first is let go
		if _, err := read(db.Blobs().Open, ref); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := io.ReadAll(r2); err != nil || !bytes.Equal(got, want) {
		t.Errorf("the other reader read %d bytes, %v", len(got), err)
	}
}

// TestEraseAfterRelease1: a report of a data folder release 1 wrote —
// its blobs moved to files of their own by the data-key migration —
// erased after the upgrade loses its files: an erasure's check of what
// it removes (Blobs.freeable) takes those files for their blobs.
func TestEraseAfterRelease1(t *testing.T) {
	db := openRelease1(t)
	ctx := context.Background()
	var refs []string
	err := db.Read(ctx, func(tx *Tx) error {
		r, err := tx.Report("PA-2026-000001")
		if err != nil {
			return err
		}
		refs, err = tx.reportRefs(r.ID)
		return err
	})
	if err != nil || len(refs) < 3 {
		t.Fatalf("report 1's blobs: %q, %v", refs, err)
	}
	files := 0
	for _, ref := range refs {
		if r, err := parseRef(ref); err == nil {
			if _, err := os.Stat(db.blobs.path(r.name)); err == nil {
				files++
			}
		}
	}
	if files == 0 {
		t.Fatalf("report 1's blobs %q are no files", refs)
	}
	if _, err := db.Erase(ctx, "PA-2026-000001", Erasure{At: time.Now(), Cause: ErasureRequest}, allowAll); err != nil {
		t.Fatal(err)
	}
	for _, ref := range refs {
		r, err := parseRef(ref)
		if err != nil {
			continue
		}
		if _, err := os.Stat(db.blobs.path(r.name)); err == nil {
			t.Errorf("blob file %s of the erased report is still there", r.name)
		}
	}
}

// TestBackupBlobGone: a file of the data folder removed between the
// backup's listing of its folder and its copy — an orphan pack the sweep
// of the running daemon removes, a blob file an erasure deletes — is
// left out of the copy, not a failed backup (a dangling link stands for
// the file listed and gone). The rest is copied; the copy restores.
func TestBackupBlobGone(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, testKey)
	g := db.Blobs().Batch()
	_, refs := packedReports(t, db, g, photo(100_000, 0))
	r, _ := parseRef(refs[0])
	gone := filepath.Join(filepath.Dir(db.blobs.path(r.name)), newBlobName())
	if err := os.Symlink(filepath.Join(dir, "swept"), gone); err != nil {
		t.Skip(err)
	}
	backupAndRestore(t, db, 1)
}
