package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemo runs `phananh demo` and checks what it says and the mail files
// it writes.
func TestDemo(t *testing.T) {
	out := filepath.Join(t.TempDir(), "mail")
	var stdout, stderr bytes.Buffer
	if code := dispatch(context.Background(), []string{"demo", "--out", out}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{
		"01-mat-dien.eml          report      PA-",
		"Điện, huyện Vị Thủy → Công ty Điện lực Hậu Giang",
		"confidential; image/jpeg with GPS",
		"URGENT",
		"answered in English",
		"Rác thải, vệ sinh đô thị, thành phố Ngã Bảy",
		"06-tu-dong-tra-loi.eml   autoreply",
		"07-long-nhau.eml         quarantine",
		"Mail sent (11)",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("the demo does not say %q:\n%s", want, stdout.String())
		}
	}
	files, _ := filepath.Glob(filepath.Join(out, "*.eml"))
	if len(files) != 11 {
		t.Errorf("%d .eml files written, want 11", len(files))
	}
	for _, f := range files {
		if b, _ := os.ReadFile(f); !bytes.Contains(b, []byte("Auto-Submitted:")) {
			t.Errorf("%s has no Auto-Submitted header", f)
		}
	}
}
