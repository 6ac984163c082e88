package store

import (
	"bytes"
	"io"
	"syscall"
	"testing"
	"time"
)

// BenchmarkBatchFiles writes batches of 200 attachments' files of 3 KB, as
// intake writes a batch's photos, and makes each batch durable: its files
// created, written, committed and synced. It reports the CPU time a file
// (cpu-µs/file, on every core, the kernel's included: creating and
// syncing files is mostly the kernel's work) and the part of it spent in
// the kernel (sys-µs/file).
func BenchmarkBatchFiles(b *testing.B) {
	db := openTest(b, b.TempDir(), testKey)
	content := bytes.Repeat([]byte("ảnh chụp "), 3<<10/len("ảnh chụp "))
	const files = 200
	b.SetBytes(int64(files * len(content)))
	user, sys := rusage()
	b.ResetTimer()
	for range b.N {
		g := db.Blobs().Batch()
		for range files {
			w, err := g.Create()
			if err != nil {
				b.Fatal(err)
			}
			w.Write(content)
			if _, err := w.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		if err := g.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	u, s := rusage()
	n := float64(b.N * files)
	b.ReportMetric(float64((u-user+s-sys).Microseconds())/n, "cpu-µs/file")
	b.ReportMetric(float64((s-sys).Microseconds())/n, "sys-µs/file")
}

func rusage() (user, sys time.Duration) {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}

// BenchmarkPutAlone writes a 100 KB blob alone (Blobs.Put: its file made,
// written, synced and its folder's entry made durable), as the blobs of no
// batch are written. It reports the CPU time a blob, the kernel's
// included (cpu-µs/blob).
func BenchmarkPutAlone(b *testing.B) {
	db := openTest(b, b.TempDir(), testKey)
	content := bytes.Repeat([]byte("báo cáo "), 100<<10/len("báo cáo "))
	b.SetBytes(int64(len(content)))
	user, sys := rusage()
	b.ResetTimer()
	for range b.N {
		if _, _, err := db.Blobs().Put(bytes.NewReader(content)); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	u, s := rusage()
	b.ReportMetric(float64((u-user+s-sys).Microseconds())/float64(b.N), "cpu-µs/blob")
}

// packedBlob writes content as an attachment of a batch of its own, syncs
// the batch and returns the blob's reference.
func packedBlob(tb testing.TB, db *DB, content []byte) string {
	tb.Helper()
	g := db.Blobs().Batch()
	w, err := g.Create()
	if err != nil {
		tb.Fatal(err)
	}
	w.Write(content)
	ref, err := w.Commit()
	if err != nil {
		tb.Fatal(err)
	}
	if err := g.Sync(); err != nil {
		tb.Fatal(err)
	}
	return ref
}

// BenchmarkOpenPacked reads a 3 KB blob of a pack back whole, as the
// mailer reads a report's photo to attach it.
func BenchmarkOpenPacked(b *testing.B) {
	db := openTest(b, b.TempDir(), testKey)
	ref := packedBlob(b, db, bytes.Repeat([]byte("ảnh chụp "), 3<<10/len("ảnh chụp ")))
	b.ReportAllocs()
	for b.Loop() {
		r, err := db.Blobs().Open(ref)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
}

// BenchmarkPackInPlace is the check that a transaction naming a packed
// blob makes of its pack (Tx.packInPlace), the pack's name not cached.
func BenchmarkPackInPlace(b *testing.B) {
	db := openTest(b, b.TempDir(), testKey)
	ref := packedBlob(b, db, photo(9000, 1))
	b.ReportAllocs()
	for b.Loop() {
		tx := &Tx{db: db}
		if err := tx.packInPlace(ref); err != nil {
			b.Fatal(err)
		}
	}
}
