package reports

import (
	"bytes"
	"image/png"
	"os"
	"testing"
)

// TestChart draws the March chart (agencies) and a daily one with no
// agency figure (the province's counts) and an empty one as PNG images. PHANANH_CHART_DIR
// keeps them for a look.
func TestChart(t *testing.T) {
	w := newWorld(t)
	w.seed()
	for name, p := range map[string]Period{
		"monthly.png": ending(t, Monthly, "2026-03", Decree),
		"daily.png":   Digest(at(2026, 2, 23, 7, 30), w.cal),
		"empty.png":   ending(t, Monthly, "2025-06", Decree),
	} {
		b, err := compute(t, w, p, Decree).Chart()
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if img.Bounds().Dx() != 960 || img.Bounds().Dy() < 360 {
			t.Errorf("%s: %v", name, img.Bounds())
		}
		if dir := os.Getenv("PHANANH_CHART_DIR"); dir != "" {
			os.WriteFile(dir+"/"+name, b, 0o644)
		}
	}
}
