package mailer

import (
	"bytes"
	"image/jpeg"
	"os"
	"testing"
)

// TestStripJPEG removes the Exif segment with its GPS position and keeps
// the picture.
func TestStripJPEG(t *testing.T) {
	in, err := os.ReadFile("testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := StripJPEG(&out, bytes.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out.Bytes(), []byte("Exif")) || bytes.Contains(out.Bytes(), []byte{0xFF, markerAPP1}) {
		t.Error("the Exif segment is still there")
	}
	before, err := jpeg.Decode(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	after, err := jpeg.Decode(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatalf("the stripped file is no JPEG: %v", err)
	}
	if before.Bounds() != after.Bounds() || before.At(3, 3) != after.At(3, 3) {
		t.Error("the picture changed")
	}
	if !bytes.HasSuffix(out.Bytes(), in[bytes.Index(in, []byte{0xFF, markerSOS}):]) {
		t.Error("the image data was not copied as it was")
	}
}

// TestStripJPEGKeepsOrientation writes the orientation back alone, drops
// comments and IPTC, and keeps JFIF.
func TestStripJPEGKeepsOrientation(t *testing.T) {
	in, _ := os.ReadFile("testdata/gps.jpg")
	exif := orientationExif(6)
	exif = append(exif, []byte("GPS 9.78 105.47 trailing")...)
	var b bytes.Buffer
	b.Write(in[:2])
	writeAll := func(m byte, p []byte) {
		b.Write([]byte{0xFF, m, byte((len(p) + 2) >> 8), byte(len(p) + 2)})
		b.Write(p)
	}
	writeAll(0xE0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))
	writeAll(markerAPP1, exif)
	writeAll(markerCOM, []byte("taken at 27 Nguyen Trai"))
	writeAll(markerAPP13, []byte("Photoshop 3.0\x00location"))
	b.Write(in[2:])
	var out bytes.Buffer
	if err := StripJPEG(&out, &b); err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"GPS 9.78", "Nguyen Trai", "location", "II*"} {
		if bytes.Contains(out.Bytes(), []byte(leak)) {
			t.Errorf("%q is still in the file", leak)
		}
	}
	if !bytes.Contains(out.Bytes(), []byte("JFIF")) {
		t.Error("the JFIF header was dropped")
	}
	if got := exifOrientation(out.Bytes()[bytes.Index(out.Bytes(), []byte("Exif")):]); got != 6 {
		t.Errorf("orientation %d after stripping, want 6", got)
	}
	if _, err := jpeg.Decode(&out); err != nil {
		t.Errorf("the stripped file is no JPEG: %v", err)
	}
}

func TestStripJPEGRefusesOtherFiles(t *testing.T) {
	for _, in := range []string{"", "GIF89a", "\xFF\xD8\xFF\xE1\x00"} {
		if err := StripJPEG(&bytes.Buffer{}, bytes.NewReader([]byte(in))); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}
