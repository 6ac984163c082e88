package store

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"testing"
	"time"
)

// commitBlob writes data as a blob of batch and returns its reference.
func commitBlob(t *testing.T, batch *BlobBatch, data []byte) string {
	t.Helper()
	w, err := batch.Create()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	ref, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// readBlob reads a blob through open.
func readFrom(t *testing.T, open func(string) (io.ReadCloser, error), ref string) []byte {
	t.Helper()
	r, err := open(ref)
	if err != nil {
		t.Fatalf("open %s: %v", ref, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read %s: %v", ref, err)
	}
	return b
}

// packSize is the size on disk of the pack a reference names.
func packSize(t *testing.T, db *DB, ref string) int64 {
	t.Helper()
	r, err := parseRef(ref)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(db.blobs.path(r.name))
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// TestPendingBlobs: a batch's blobs of one chunk are written to their
// pack together — at the Sync, before a blob streams into the pack, or
// once they reach pendMax — not each at its Commit; until then they open
// from memory, and every blob reads back whole, in its place, after.
func TestPendingBlobs(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	batch := db.Blobs().Batch()
	want := map[string][]byte{}
	small := func(i int) string {
		data := []byte(fmt.Sprintf("Phản ánh số %d: đường ngập nước", i))
		ref := commitBlob(t, batch, data)
		want[ref] = data
		return ref
	}
	first := small(1)
	small(2)
	if n := packSize(t, db, first); n != 0 {
		t.Errorf("the pack holds %d bytes before the Sync: each blob was written at its Commit", n)
	}
	for ref, data := range want {
		if got := readFrom(t, batch.Open, ref); !bytes.Equal(got, data) {
			t.Errorf("pending blob %s reads %q, want %q", ref, got, data)
		}
	}

	// A blob larger than a chunk streams into the pack behind them.
	large := bytes.Repeat([]byte("video hiện trường "), 2*blobChunkSize/10)
	ref := commitBlob(t, batch, large)
	want[ref] = large
	if n := packSize(t, db, first); n == 0 {
		t.Error("a blob streamed into the pack before its pending blobs were written")
	}
	small(3)
	if err := batch.Sync(); err != nil {
		t.Fatal(err)
	}
	for ref, data := range want {
		if got := readFrom(t, db.Blobs().Open, ref); !bytes.Equal(got, data) {
			t.Errorf("blob %s reads %d bytes after the Sync, want %d", ref, len(got), len(data))
		}
	}

	// Blobs of one chunk beyond pendMax are written before the Sync.
	batch = db.Blobs().Batch()
	chunk := bytes.Repeat([]byte{'x'}, blobChunkSize-1)
	ref = commitBlob(t, batch, chunk)
	for range pendMax / blobChunkSize {
		commitBlob(t, batch, chunk)
	}
	if n := packSize(t, db, ref); n < pendMax {
		t.Errorf("the pack holds %d bytes of more than %d pending", n, pendMax)
	}
	batch.Close()
}

// TestPendingBeforeAbortedStream: a blob aborted while it streams into a
// pack is cut off it behind the pack's pending blobs, written before it:
// they read back whole after the Sync, and the pack ends with them.
func TestPendingBeforeAbortedStream(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	batch := db.Blobs().Batch()
	data := []byte("Thư phản ánh của công dân")
	ref := commitBlob(t, batch, data)
	w, err := batch.Create()
	if err != nil {
		t.Fatal(err)
	}
	w.Write(bytes.Repeat([]byte{'v'}, 3*blobChunkSize))
	w.Abort()
	if err := batch.Sync(); err != nil {
		t.Fatal(err)
	}
	if got := readFrom(t, db.Blobs().Open, ref); !bytes.Equal(got, data) {
		t.Errorf("blob reads %q, want %q", got, data)
	}
	r, _ := parseRef(ref)
	if n := packSize(t, db, ref); n != r.off+r.size {
		t.Errorf("the pack holds %d bytes, want %d: the aborted blob left behind", n, r.off+r.size)
	}
}

// TestPendingWrittenWhenPackUnchanged: a blob committed into a pack whose
// file has not changed for pendAge is written at once, with the blobs
// pending before it, so that a batch kept open for long (the outbox's,
// while a slow server takes its mails) keeps its pack's time of change,
// which the orphan sweep goes by, near its last blob.
func TestPendingWrittenWhenPackUnchanged(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	batch := db.Blobs().Batch()
	defer batch.Close()
	ref := commitBlob(t, batch, []byte("Thư đã gửi cho công dân"))
	if n := packSize(t, db, ref); n != 0 {
		t.Fatalf("the pack holds %d bytes before pendAge", n)
	}
	batch.mu.Lock()
	for _, p := range batch.packs {
		p.changed = p.changed.Add(-pendAge - time.Second)
	}
	batch.mu.Unlock()
	second := commitBlob(t, batch, []byte("Thông báo chuyển xử lý"))
	r, _ := parseRef(second)
	if n := packSize(t, db, ref); n != r.off+r.size {
		t.Errorf("the pack holds %d bytes, want %d: the blobs committed after pendAge still pending", n, r.off+r.size)
	}
}

// TestSyncWaitsForSync: a Sync called while another is making the batch's
// blobs durable returns only once they are: its caller may name a blob
// committed before it, which the first Sync took.
func TestSyncWaitsForSync(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	batch := db.Blobs().Batch()
	defer batch.Close()
	commitBlob(t, batch, []byte("Phản ánh: đèn đường hỏng"))
	syncing, release := make(chan struct{}), make(chan struct{})
	defer func(f func(*os.File) error) { syncPack = f }(syncPack)
	syncPack = func(f *os.File) error {
		close(syncing)
		<-release
		return f.Sync()
	}
	first := make(chan error)
	go func() { first <- batch.Sync() }()
	<-syncing
	second := make(chan error)
	go func() { second <- batch.Sync() }()
	select {
	case err := <-second:
		t.Fatalf("a second Sync returned (%v) while the first was making the blob durable", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
}
