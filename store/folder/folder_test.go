package folder

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMake(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o600)
	tests := []struct {
		name, path, err string
	}{
		{"new", filepath.Join(dir, "new"), ""},
		{"new, a trailing slash", filepath.Join(dir, "slash") + "/", ""},
		{"there already", dir, ""},
		{"missing parent", filepath.Join(dir, "typo", "new"),
			"the folder " + filepath.Join(dir, "typo") + " does not exist: correct the path, or make the folder first (install -d -m 755 " + filepath.Join(dir, "typo") + ")"},
		{"a file", file, file + " is not a folder"},
		{"in a file", filepath.Join(file, "new"), file + " is not a folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Make(tt.path, 0o755)
			if tt.err == "" {
				if info, serr := os.Stat(tt.path); err != nil || serr != nil || !info.IsDir() {
					t.Errorf("Make(%s): %v; the folder: %v", tt.path, err, serr)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Make(%s): %v, want %q", tt.path, err, tt.err)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "typo")); err == nil {
		t.Error("a missing parent was made")
	}
}

func TestParent(t *testing.T) {
	dir := t.TempDir()
	if err := Parent(filepath.Join(dir, "key"), 0o700); err != nil {
		t.Errorf("the parent exists: %v", err)
	}
	want := "install -d -m 700 " + filepath.Join(dir, "keys")
	if err := Parent(filepath.Join(dir, "keys", "key"), 0o700); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("a missing parent: %v, want %q", err, want)
	}
}
