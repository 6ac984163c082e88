package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportPackedPhotos: a report's photos, one of them of several
// megabytes, are written into one pack file with its raw message, and
// the export reads each back from its range.
func TestExportPackedPhotos(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "phananh.toml", "[security]\nrequire_authentication_results = false\n"+testOperators)
	jpg, err := os.ReadFile("testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	png, err := os.ReadFile("testdata/gps.png")
	if err != nil {
		t.Fatal(err)
	}
	large := append(bytes.Clone(jpg), bytes.Repeat([]byte("điểm ảnh "), 3<<20/len("điểm ảnh "))...)
	photos := []sentFile{{"truoc.jpg", "image/jpeg", jpg}, {"ban-do.png", "image/png", png}, {"lon.jpg", "image/jpeg", large}}
	msg := writeFile(t, dir, "r.eml", reportWithFiles("packed@mail.example.com", "", photos...))
	mustRun(t, "ingest", "--config", cfg, "--received", "2026-11-23T08:15:00+07:00", msg)

	var files []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(path, string(filepath.Separator)+"blobs"+string(filepath.Separator)) {
			files = append(files, path)
		}
		return err
	})
	if len(files) != 1 {
		t.Errorf("the report's blobs are in %d files, want one pack: %q", len(files), files)
	}

	out := filepath.Join(dir, "export")
	mustRun(t, "export", "--config", cfg, "PA-2026-000001", "--out", out, "--reason", "kiểm tra")
	for i, p := range photos {
		got, err := os.ReadFile(filepath.Join(out, "attachments", fmt.Sprintf("%02d-%s", i+1, p.name)))
		if err != nil || !bytes.Equal(got, p.data) {
			t.Errorf("the export's %s: %d bytes (%v), want the %d sent", p.name, len(got), err, len(p.data))
		}
	}
}
