package store

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// blobFiles returns the paths of the files in the data folder's blobs/.
func blobFiles(t *testing.T, db *DB) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(filepath.Join(db.dir, "blobs"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// photo is a JPEG's worth of bytes: n of them, not all alike.
func photo(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) ^ seed
	}
	return b
}

// TestBatchBlobsInOnePack: a batch's attachments, small and of several
// megabytes, and its blobs too large for the database, are written into
// one pack file, each under a reference that names its range; each reads
// back once the batch is synced. An aborted blob is cut off the pack.
func TestBatchBlobsInOnePack(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	g := db.Blobs().Batch()
	content := map[string][]byte{}
	for i := range 30 {
		data := photo(570+i, byte(i))
		switch i % 10 {
		case 0:
			data = bytes.Repeat([]byte("video "), blobChunkSize/3)
		case 5:
			data = photo(3<<20+17, byte(i)) // a phone's photo, streamed into the pack
		}
		content[put(t, g.Create, data)] = data
	}
	w, err := g.Create()
	if err != nil {
		t.Fatal(err)
	}
	w.Write(photo(200_000, 9))
	w.Abort()
	if err := g.Sync(); err != nil {
		t.Fatal(err)
	}
	files := blobFiles(t, db)
	if len(files) != 1 {
		t.Fatalf("the batch's 30 blobs are in %d files, want one pack", len(files))
	}
	var end int64
	for ref, want := range content {
		r, err := parseRef(ref)
		if err != nil || !r.packed || db.blobs.path(r.name) != files[0] {
			t.Fatalf("reference %q: %+v, %v; want a range of the pack %s", ref, r, err, files[0])
		}
		end = max(end, r.off+r.size)
		if got, err := read(db.Blobs().Open, ref); err != nil || !bytes.Equal(got, want) {
			t.Errorf("blob %.8s… reads %d bytes, %v; want %d", ref, len(got), err, len(want))
		}
	}
	if info, err := os.Stat(files[0]); err != nil || info.Size() != end {
		t.Errorf("the pack is %v bytes (%v), its last blob ends at %d: the aborted blob is left in it", info.Size(), err, end)
	}
}

// TestPackedBlobsStreamTogether: two attachments streamed at once into a
// batch are each written into a pack of their own (a blob's range is one
// run of bytes), and each reads back.
func TestPackedBlobsStreamTogether(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	g := db.Blobs().Batch()
	a, b := photo(300_000, 1), photo(400_000, 2)
	wa, err := g.Create()
	if err != nil {
		t.Fatal(err)
	}
	wb, err := g.Create()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(b); i += 1000 { // the two parsers' writes interleave
		if i < len(a) {
			wa.Write(a[i:min(i+1000, len(a))])
		}
		wb.Write(b[i:min(i+1000, len(b))])
	}
	ra, err := wa.Commit()
	if err != nil {
		t.Fatal(err)
	}
	rb, err := wb.Commit()
	if err != nil {
		t.Fatal(err)
	}
	small := put(t, g.Create, []byte("ảnh nhỏ"))
	if err := g.Sync(); err != nil {
		t.Fatal(err)
	}
	if n := len(blobFiles(t, db)); n != 2 {
		t.Errorf("%d packs, want 2", n)
	}
	for ref, want := range map[string][]byte{ra: a, rb: b, small: []byte("ảnh nhỏ")} {
		if got, err := read(db.Blobs().Open, ref); err != nil || !bytes.Equal(got, want) {
			t.Errorf("blob %.8s… reads %d bytes, %v; want %d", ref, len(got), err, len(want))
		}
	}
}

// TestDamagedPackedBlob: a packed blob whose range is cut short, or
// whose bytes changed, reads as an error, never as short content.
func TestDamagedPackedBlob(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	g := db.Blobs().Batch()
	want := photo(3*blobChunkSize+5, 3)
	ref := put(t, g.Create, want)
	if err := g.Sync(); err != nil {
		t.Fatal(err)
	}
	r, _ := parseRef(ref)
	short := r
	short.size -= blobChunkSize + 16 + 5 + 16 // the last chunk gone: the one before reads as not the last
	if got, err := read(db.Blobs().Open, short.String()); err == nil {
		t.Errorf("a blob cut short read %d bytes, no error", len(got))
	}
	f, err := os.OpenFile(db.blobs.path(r.name), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte{0xff}, r.off+int64(len(blobMagic))+blobChunkSize)
	f.Close()
	if got, err := read(db.Blobs().Open, ref); err == nil {
		t.Errorf("a damaged blob read %d bytes, no error", len(got))
	}
}

// TestOpenGoneBlob: a blob whose file is gone from the data folder — a
// blob file of its own, or the pack that holds it — opens as ErrNoBlob,
// the store's word for a blob it does not hold, which the outbox takes
// for a file it will never read (a mail then goes without it), not as an
// I/O error to wait out.
func TestOpenGoneBlob(t *testing.T) {
	for _, tc := range []struct {
		name   string
		create func(db *DB) func() (*BlobWriter, error)
	}{
		{"blob file", func(db *DB) func() (*BlobWriter, error) { return db.Blobs().Create }},
		{"pack", func(db *DB) func() (*BlobWriter, error) { return db.Blobs().Batch().Create }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openTest(t, t.TempDir(), testKey)
			ref := put(t, tc.create(db), photo(2*blobChunkSize, 4))
			r := mustParse(t, ref)
			if err := os.Remove(db.blobs.path(r.name)); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Blobs().Open(ref); !errors.Is(err, ErrNoBlob) {
				t.Errorf("a blob whose file is gone opens with %v, want ErrNoBlob", err)
			}
		})
	}
}

// packedReports commits a report for each photo, whose raw message and
// photo are blobs of the batch g, synced first.
func packedReports(t *testing.T, db *DB, g *BlobBatch, imgs ...[]byte) ([]Report, []string) {
	t.Helper()
	var refs, raws []string
	for _, img := range imgs {
		refs = append(refs, put(t, g.Create, img))
		raws = append(raws, put(t, g.Create, []byte("From: dan@example.vn\r\n\r\nMất điện")))
	}
	if err := g.Sync(); err != nil {
		t.Fatal(err)
	}
	var rs []Report
	for i := range imgs {
		err := db.Write(context.Background(), func(tx *Tx) error {
			r, err := tx.CreateReport(sample(time.Now()))
			if err != nil {
				return err
			}
			rs = append(rs, r)
			if _, err := tx.RecordMessage(Message{RawKey: raws[i], Sender: r.Citizen.Email, Kind: "report",
				ReportCode: r.Code, ReceivedAt: r.ReceivedAt, ProcessedAt: r.ReceivedAt}); err != nil {
				return err
			}
			_, err = tx.AddAttachment(r.ID, Attachment{Role: "report", Name: "ảnh.jpg", Type: "image/jpeg", BlobKey: refs[i]})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return rs, refs
}

// allocated is the disk space a file takes, in bytes.
func allocated(t *testing.T, path string) int64 {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	return st.Blocks * 512
}

// TestErasePackedBlob: erasing a report whose photo shares a pack with
// another report's frees the photo's range — a hole punched, or zeros
// written where the file system has no holes — and leaves the other
// report's photo, and the pack, in place.
func TestErasePackedBlob(t *testing.T) {
	for _, holes := range []bool{true, false} {
		t.Run(map[bool]string{true: "hole", false: "zeros"}[holes], func(t *testing.T) {
			if !holes {
				defer func(f func(*os.File, int64, int64) error) { punchHole = f }(punchHole)
				punchHole = func(*os.File, int64, int64) error { return syscall.EOPNOTSUPP }
			}
			db := openTest(t, t.TempDir(), testKey)
			ctx := context.Background()
			g := db.Blobs().Batch()
			imgA, imgB := photo(1<<20, 1), photo(5000, 2)
			rs, refs := packedReports(t, db, g, imgA, imgB)
			a, refA, refB := rs[0], refs[0], refs[1]
			ra, _ := parseRef(refA)
			rb, _ := parseRef(refB)
			if !ra.packed || ra.name != rb.name {
				t.Fatalf("the photos are not in one pack: %q, %q", refA, refB)
			}
			pack := db.blobs.path(ra.name)
			before := allocated(t, pack)
			closeReport(t, db, a.Code, time.Now())
			if _, err := db.Erase(ctx, a.Code, Erasure{At: time.Now(), Cause: ErasureRequest}, allowAll); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(pack)
			if err != nil {
				t.Fatal(err)
			}
			if rng := data[ra.off : ra.off+ra.size]; !bytes.Equal(rng, make([]byte, len(rng))) {
				t.Errorf("the erased photo's range holds %d bytes that are not zero", len(bytes.ReplaceAll(rng, []byte{0}, nil)))
			}
			if got, err := read(db.Blobs().Open, refA); err == nil {
				t.Errorf("the erased photo reads %d bytes", len(got))
			}
			if got, err := read(db.Blobs().Open, refB); err != nil || !bytes.Equal(got, imgB) {
				t.Errorf("the other report's photo reads %d bytes, %v", len(got), err)
			}
			if after := allocated(t, pack); holes && after > before-(1<<20)+8192 {
				t.Errorf("the pack takes %d bytes after the erasure, %d before: no hole", after, before)
			}
		})
	}
}

// TestSweepOrphanPacks: a batch synced whose transaction never committed
// (the process killed between) leaves a pack no row names: the sweep
// removes it once older than the orphan age, and phananh check counts
// it; a pack one of whose blobs a row names stays, with its range that
// no row names (a message rolled back alone) left in it.
func TestSweepOrphanPacks(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db := openTest(t, dir, testKey)
	g := db.Blobs().Batch()
	_, kept := packedReports(t, db, g, photo(2000, 1))
	g2 := db.Blobs().Batch()
	unnamed := put(t, g2.Create, photo(3000, 2)) // the batch's other message, rolled back
	_, kept2 := packedReports(t, db, g2, photo(2500, 3))
	g3 := db.Blobs().Batch()
	orphan := put(t, g3.Create, photo(4000, 4))
	if err := g3.Sync(); err != nil { // killed here, before the commit
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * orphanAge)
	if r1, _ := parseRef(unnamed); r1.name != kept2[0][:2*blobNameSize] {
		t.Fatalf("the rolled-back blob is not in its batch's pack")
	}
	for _, ref := range []string{kept[0], kept2[0], orphan} {
		r, _ := parseRef(ref)
		if err := os.Chtimes(db.blobs.path(r.name), old, old); err != nil {
			t.Fatal(err)
		}
	}
	opt := Options{Path: filepath.Join(dir, "phananh.db"), DataDir: filepath.Join(dir, "data"), Key: testKey}
	if o, err := CountOrphans(ctx, opt, time.Now()); err != nil || o.Files != 1 {
		t.Fatalf("phananh check counted %+v, %v; want 1 file", o, err)
	}
	if o, err := db.SweepOrphans(ctx, time.Now(), false); err != nil || o.Files != 1 {
		t.Fatalf("swept %+v, %v; want 1 file", o, err)
	}
	r, _ := parseRef(orphan)
	if _, err := os.Stat(db.blobs.path(r.name)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the orphan pack is still there: %v", err)
	}
	for _, ref := range []string{kept[0], kept2[0], unnamed} {
		if _, err := read(db.Blobs().Open, ref); err != nil {
			t.Errorf("a blob of a pack a row names: %v", err)
		}
	}
}

// TestBackupWhileAppending: a batch goes on appending to a pack while
// the backup copies it — a blob synced for a transaction not committed
// yet, another half written. The copy holds every byte a committed row
// of its snapshot names: the restore reads every blob through its key.
func TestBackupWhileAppending(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db := openTest(t, dir, testKey)
	g := db.Blobs().Batch()
	_, refs := packedReports(t, db, g, photo(100_000, 0), photo(100_001, 1), photo(100_002, 2))
	defer func(f func()) { afterSnapshot = f }(afterSnapshot)
	var half *BlobWriter
	afterSnapshot = func() {
		_, ref := packedReports(t, db, g, photo(70_000, 7)) // committed after the snapshot
		refs = append(refs, ref...)
		var err error
		if half, err = g.Create(); err != nil {
			t.Fatal(err)
		}
		half.Write(photo(300_000, 8))
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	stop := make(chan struct{})
	defer close(stop)
	wg.Go(func() { // a parser streaming a video all along
		w, err := g.Create()
		if err != nil {
			return
		}
		defer w.Abort()
		for {
			select {
			case <-stop:
				return
			default:
				w.Write(photo(10_000, 5))
			}
		}
	})
	backup := filepath.Join(t.TempDir(), "backup")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	half.Abort()
	into := t.TempDir()
	opt := Options{Path: filepath.Join(into, "phananh.db"), DataDir: filepath.Join(into, "data"), Key: testKey,
		KeysPath: db.keystore.path}
	res, err := Restore(ctx, backup, "", opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Reports != 3 || res.Blobs != 6 {
		t.Errorf("restored %d reports and %d blobs, want 3 and 6 (their photos and raw messages)", res.Reports, res.Blobs)
	}
	restored := &Blobs{dir: opt.DataDir, keys: db.keys}
	for i, ref := range refs[:3] {
		if _, err := read(restored.Open, ref); err != nil {
			t.Errorf("photo %d of the backup: %v", i, err)
		}
	}
}

// openFilesUnder counts this process's descriptors open on files under
// dir.
func openFilesUnder(t *testing.T, dir string) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	n := 0
	for _, fd := range fds {
		if target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); err == nil && strings.HasPrefix(target, dir) {
			n++
		}
	}
	return n
}

// TestPacksKeptOpenForReading: the blobs of a pack read at once, or one
// after the other, share one descriptor of it; at most maxOpenPacks
// packs are kept open, a pack let go while read closed by its last
// reader, and closing the store closes them all.
func TestPacksKeptOpenForReading(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	blobsDir := filepath.Join(db.dir, "blobs")
	content := map[string][]byte{}
	var refs []string
	for i := range 2 * maxOpenPacks {
		g := db.Blobs().Batch()
		for j := range 2 {
			data := photo(5000+i*10+j, byte(i))
			ref := put(t, g.Create, data)
			content[ref] = data
			refs = append(refs, ref)
		}
		if err := g.Sync(); err != nil {
			t.Fatal(err)
		}
	}
	before := openFilesUnder(t, blobsDir)
	a, err := db.Blobs().Open(refs[0])
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.Blobs().Open(refs[1])
	if err != nil {
		t.Fatal(err)
	}
	if n := openFilesUnder(t, blobsDir) - before; n != 1 {
		t.Errorf("two blobs of one pack read at once hold %d descriptors, want 1", n)
	}
	var readers []io.ReadCloser
	for _, ref := range refs[2:] { // every other pack, while a and b are read
		r, err := db.Blobs().Open(ref)
		if err != nil {
			t.Fatal(err)
		}
		readers = append(readers, r)
	}
	for i, r := range append([]io.ReadCloser{a, b}, readers...) {
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, content[refs[i]]) {
			t.Errorf("blob %d reads %d bytes, %v", i, len(got), err)
		}
		r.Close()
	}
	if n := openFilesUnder(t, blobsDir) - before; n != maxOpenPacks {
		t.Errorf("%d packs open once read, want %d", n, maxOpenPacks)
	}
	db.Close()
	if n := openFilesUnder(t, blobsDir) - before; n != 0 {
		t.Errorf("%d packs open once the store is closed", n)
	}
}

// TestEraseStrayPackedRaw: the retention's erasure of a message that
// became no report frees its raw copy's range of the batch's pack, and
// leaves the pack, with the photo of the report beside it, in place.
func TestEraseStrayPackedRaw(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	g := db.Blobs().Batch()
	raw := put(t, g.Create, photo(3*blobChunkSize, 5)) // too large for the database: in the pack
	_, refs := packedReports(t, db, g, photo(4000, 6))
	r, s := mustParse(t, raw), mustParse(t, refs[0])
	if !r.packed || r.name != s.name {
		t.Fatalf("the junk's raw copy and the photo are not in one pack: %q, %q", raw, refs[0])
	}
	old := time.Now().Add(-24 * time.Hour)
	err := db.Write(ctx, func(tx *Tx) error {
		_, err := tx.RecordMessage(Message{RawKey: raw, Sender: "spam@example.net", Kind: "junk", Reason: "spam",
			ReceivedAt: old, ProcessedAt: old})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.EraseStrays(ctx, time.Now(), 10); err != nil || n != 1 {
		t.Fatalf("erased %d, %v; want the junk", n, err)
	}
	data, err := os.ReadFile(db.blobs.path(r.name))
	if err != nil {
		t.Fatal(err)
	}
	if rng := data[r.off : r.off+r.size]; !bytes.Equal(rng, make([]byte, len(rng))) {
		t.Error("the junk's raw copy is still in the pack")
	}
	if got, err := read(db.Blobs().Open, refs[0]); err != nil || !bytes.Equal(got, photo(4000, 6)) {
		t.Errorf("the report's photo beside it reads %d bytes, %v", len(got), err)
	}
}

func mustParse(t *testing.T, ref string) blobRef {
	t.Helper()
	r, err := parseRef(ref)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
