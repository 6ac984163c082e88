package intake

import (
	"io/fs"
	"path/filepath"
	"testing"
)

// dataBytes is the size of the files of the store's data folder.
func dataBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(filepath.Join(dir, "data"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		n += info.Size()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestParserPanicsMidAttachment: the parser panics half way through a
// photo (a defect that one message reaches; parse.Read recovers it). The
// message is quarantined, and the half-written photo is cut off its pack
// again, as any blob aborted: nothing of it is left on the disk.
func TestParserPanicsMidAttachment(t *testing.T) {
	f := newFixture(t)
	raw, _ := photoReport(1, 1_500_000)
	written := 0
	defer func() { attachmentWrite = nil }()
	attachmentWrite = func(n int) {
		if written += n; written > 700_000 {
			panic("a defect")
		}
	}
	rs := f.processAll([]string{raw})
	if r := rs[0]; r.Err != nil || r.Outcome.Kind != KindQuarantine {
		t.Fatalf("%+v, want quarantined", r)
	}
	// The raw message is kept (sealed: a little larger); the photo's
	// first 700 KB are not.
	if n := dataBytes(t, f.dir); n > int64(len(raw))+100_000 {
		t.Errorf("the data folder holds %d bytes for a message of %d: the half photo is left in its pack", n, len(raw))
	}
}
