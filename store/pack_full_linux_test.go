package store

import (
	"bytes"
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestPackFull: the disk fills up while a batch's third blob is streamed
// into its pack (a file size limit stands for the full disk: the write
// fails part way). The blob's write fails, its Abort cuts it off the
// pack, the blobs before it and a blob written after it read back once
// the batch is synced, and no descriptor is left open.
func TestPackFull(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	lim := fileSizeLimit(t)
	g := db.Blobs().Batch()
	content := map[string][]byte{}
	for i := range 2 {
		data := photo(3<<20, byte(i))
		content[put(t, g.Create, data)] = data
	}
	full := lim
	full.Cur = 8 << 20
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &full); err != nil {
		t.Skip(err)
	}
	w, err := g.Create()
	if err != nil {
		t.Fatal(err)
	}
	var werr error
	for i := 0; i < 100 && werr == nil; i++ {
		_, werr = w.Write(photo(100_000, 9))
	}
	if werr == nil {
		_, werr = w.Commit()
	} else {
		w.Abort()
	}
	small := photo(1000, 7)
	content[put(t, g.Create, small)] = small
	syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim)
	if werr == nil {
		t.Fatal("10 MB written past a limit of 8: no error")
	}
	if err := g.Sync(); err != nil {
		t.Fatal(err)
	}
	if n := openFilesUnder(t, filepath.Join(db.dir, "blobs")); n != 0 {
		t.Errorf("%d descriptors of blob files open after the batch", n)
	}
	for ref, want := range content {
		if got, err := read(db.Blobs().Open, ref); err != nil || !bytes.Equal(got, want) {
			t.Errorf("blob of %d bytes reads %d, %v", len(want), len(got), err)
		}
	}
}

// TestErasePackedBlobDiskFull: on a full disk, where punching a hole in
// the middle of a pack needs room the file system does not have (ENOSPC:
// an extent split), the erasure writes zeros over the range instead, and
// finishes: its key destroyed, the erasures after it not held up.
func TestErasePackedBlobDiskFull(t *testing.T) {
	defer func(f func(*os.File, int64, int64) error) { punchHole = f }(punchHole)
	punchHole = func(*os.File, int64, int64) error { return syscall.ENOSPC }
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	g := db.Blobs().Batch()
	imgA, imgB := photo(200_000, 1), photo(5000, 2)
	rs, refs := packedReports(t, db, g, imgA, imgB)
	ra, _ := parseRef(refs[0])
	closeReport(t, db, rs[0].Code, time.Now())
	if _, err := db.Erase(ctx, rs[0].Code, Erasure{At: time.Now(), Cause: ErasureRequest}, allowAll); err != nil {
		t.Errorf("erasing on a full disk: %v", err)
	}
	data, err := os.ReadFile(db.blobs.path(ra.name))
	if err != nil {
		t.Fatal(err)
	}
	if rng := data[ra.off : ra.off+ra.size]; !bytes.Equal(rng, make([]byte, len(rng))) {
		t.Errorf("the erased photo's range holds %d bytes that are not zero", len(bytes.ReplaceAll(rng, []byte{0}, nil)))
	}
	var pending int
	db.Read(ctx, func(tx *Tx) error {
		return tx.queryRow(`SELECT count(*) FROM erasures WHERE done_at IS NULL`).Scan(&pending)
	})
	if pending > 0 {
		t.Errorf("%d erasures left unfinished", pending)
	}
	if got, err := read(db.Blobs().Open, refs[1]); err != nil || !bytes.Equal(got, imgB) {
		t.Errorf("the other report's photo reads %d bytes, %v", len(got), err)
	}
}

// TestEraseFreeFails: an erasure whose pack cannot be freed (an I/O
// error of a damaged disk) still destroys its report's data key — what
// makes its files unreadable everywhere — and holds up no erasure after
// it (whose Erase says no error); freeing its range is tried again by
// the next FinishErasures.
func TestEraseFreeFails(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	ra, refsA := packedReports(t, db, db.Blobs().Batch(), photo(200_000, 1))
	rb, _ := packedReports(t, db, db.Blobs().Batch(), photo(5000, 2))
	a, _ := parseRef(refsA[0])
	punch := punchHole
	defer func() { punchHole = punch }()
	damaged := true
	punchHole = func(f *os.File, off, n int64) error {
		if damaged && filepath.Base(f.Name()) == a.name {
			return syscall.EIO
		}
		return punch(f, off, n)
	}
	var keyA string
	db.Read(ctx, func(tx *Tx) error {
		return tx.queryRow(`SELECT key_id FROM reports WHERE id = ?`, ra[0].ID).Scan(&keyA)
	})
	for _, r := range []Report{ra[0], rb[0]} {
		closeReport(t, db, r.Code, time.Now())
		_, err := db.Erase(ctx, r.Code, Erasure{At: time.Now(), Cause: ErasureRequest}, allowAll)
		if failed := r.ID == ra[0].ID; failed != (err != nil) {
			t.Errorf("erasing %s: %v", r.Code, err)
		}
	}
	if has, err := db.keystore.has(ctx, keyA); err != nil || has {
		t.Errorf("the data key of the report whose pack could not be freed is kept (%v)", err)
	}
	pending := func() (ids []int64) {
		db.Read(ctx, func(tx *Tx) error {
			var err error
			ids, err = tx.ids(`SELECT report_id FROM erasures WHERE done_at IS NULL`)
			return err
		})
		return ids
	}
	if p := pending(); len(p) != 1 || p[0] != ra[0].ID {
		t.Errorf("erasures of reports %v left unfinished, want only %d's", p, ra[0].ID)
	}
	damaged = false
	if _, err := db.FinishErasures(ctx, time.Now()); err != nil || len(pending()) > 0 {
		t.Errorf("finished again: %v, %v left", err, pending())
	}
}

// TestPackFullWhileSyncing: the disk fills up while a batch's Sync is
// under way, and the blobs committed meanwhile into a pack that the Sync
// is making durable cannot be written (the parsers of a batch commit
// while it syncs). The Sync succeeds, and its rows may name the blob it
// made durable; the next Sync fails, for the blobs that were lost, and
// leaves the pack, and that blob, in place.
func TestPackFullWhileSyncing(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	lim := fileSizeLimit(t)
	g := db.Blobs().Batch()
	report := []byte("Phản ánh: cống thoát nước bị tắc")
	ref := put(t, g.Create, report)
	video, err := g.Create() // streams into the pack, behind the report
	if err != nil {
		t.Fatal(err)
	}
	if _, err := video.Write(photo(2*blobChunkSize+100, 3)); err != nil {
		t.Fatal(err)
	}
	lost := false
	defer func(f func(*os.File) error) { syncPack = f }(syncPack)
	syncPack = func(f *os.File) error {
		syncPack = (*os.File).Sync
		if _, err := video.Commit(); err != nil {
			t.Error(err)
		}
		info, err := f.Stat()
		if err != nil {
			return err
		}
		full := lim
		full.Cur = uint64(info.Size()) + 1000
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &full); err != nil {
			return err
		}
		defer syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim)
		for i := 0; i <= pendMax/blobChunkSize && !lost; i++ {
			w, err := g.Create()
			if err != nil {
				return err
			}
			w.Write(photo(blobChunkSize-1, byte(i)))
			_, err = w.Commit()
			lost = err != nil // the pending blobs could not be written
		}
		return f.Sync()
	}
	if err := g.Sync(); err != nil {
		t.Fatalf("the Sync under way when the disk filled up: %v", err)
	}
	if !lost {
		t.Fatal("every blob written past the limit: the test fills no disk")
	}
	if err := g.Sync(); err == nil {
		t.Error("blobs that could not be written synced")
	}
	if got, err := read(db.Blobs().Open, ref); err != nil || !bytes.Equal(got, report) {
		t.Errorf("the blob made durable by the first Sync reads %q: %v", got, err)
	}
}

// fileSizeLimit readies the test to stand a file size limit for a full
// disk — a write past it fails with EFBIG rather than kill the process
// with SIGXFSZ, until the test ends — and returns the limit in force.
func fileSizeLimit(t *testing.T) syscall.Rlimit {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Skip(err)
	}
	signal.Ignore(syscall.SIGXFSZ)
	t.Cleanup(func() { signal.Reset(syscall.SIGXFSZ) })
	return lim
}
