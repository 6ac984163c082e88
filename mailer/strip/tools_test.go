package strip

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStripDir strips every photo and video of the folder that
// PHANANH_STRIP_DIR names into NAME.stripped.EXT beside it, for tools
// (exiftool, ffmpeg, heif-convert: .ci/media.sh) to check that nothing
// identifying is left and that the picture is the same; the files built in
// phones' shapes by these tests are written there first, as built-*.
func TestStripDir(t *testing.T) {
	dir := os.Getenv("PHANANH_STRIP_DIR")
	if dir == "" {
		t.Skip("PHANANH_STRIP_DIR not set")
	}
	built := map[string][]byte{
		"built-iphone.heic": buildHEIC(iphoneItems(appleExif(t)), heicLayout{ilocVersion: 1}),
		"built-iphone.mov":  buildMOV("com.apple.quicktime.still-image-time"),
	}
	for name, b := range built {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	types := map[string]string{".heic": "image/heic", ".avif": "image/avif", ".mov": "video/quicktime", ".mp4": "video/mp4",
		".3gp": "video/3gpp", ".gif": "image/gif", ".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		ext := strings.ToLower(filepath.Ext(f.Name()))
		if types[ext] == "" || strings.Contains(f.Name(), ".stripped.") {
			continue
		}
		in, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := File(&out, bytes.NewReader(in), types[ext]); err != nil {
			t.Errorf("%s: %v", f.Name(), err)
			continue
		}
		name := strings.TrimSuffix(f.Name(), filepath.Ext(f.Name())) + ".stripped" + filepath.Ext(f.Name())
		if err := os.WriteFile(filepath.Join(dir, name), out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
