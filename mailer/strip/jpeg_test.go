package strip

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
	if err := JPEG(&out, bytes.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out.Bytes(), []byte("Exif")) || bytes.Contains(out.Bytes(), []byte{0xFF, markerAPP1}) {
		t.Error("the Exif segment is still there")
	}
	samePicture(t, in, out.Bytes())
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
	if err := JPEG(&out, &b); err != nil {
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
		if err := JPEG(&bytes.Buffer{}, bytes.NewReader([]byte(in))); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

// TestStripJPEGEndsAtItsImage: what follows the image's data is metadata
// too — a second picture of the Multi-Picture Format with its own Exif and
// GPS position, a phone's "motion photo" video, a trailer of the camera's —
// and so are the Exif, XMP and comment segments that a progressive JPEG may
// carry between its scans, and the application segments other than JFIF,
// colour profiles and Adobe's. None of them is copied; the picture is.
func TestStripJPEGEndsAtItsImage(t *testing.T) {
	in, err := os.ReadFile("testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	seg := func(m byte, p string) []byte {
		return append([]byte{0xFF, m, byte((len(p) + 2) >> 8), byte(len(p) + 2)}, p...)
	}
	eoi := bytes.LastIndex(in, []byte{0xFF, markerEOI})
	sos := bytes.Index(in, []byte{0xFF, markerSOS})
	var b bytes.Buffer
	b.Write(in[:sos])
	b.Write(seg(0xEC, "Ducky\x00owner Nguyen Van An"))     // APP12
	b.Write(seg(0xE6, "GoPro\x00GPS5 9.78 105.47"))        // APP6
	b.Write(seg(0xE2, "MPF\x00II*\x00 second picture at")) // APP2, the MPF index
	b.Write(in[sos:eoi])
	b.Write(seg(markerAPP1, "Exif\x00\x00MM\x00*GPS between scans 9.78"))
	b.Write(seg(markerCOM, "taken at 27 Nguyen Trai"))
	b.Write(in[eoi:])
	b.Write(in[:2]) // a second picture, as the Multi-Picture Format appends it
	b.Write(seg(markerAPP1, "Exif\x00\x00MM\x00*GPS of the second picture 9.78"))
	b.Write(in[2:])
	b.WriteString("\x00\x00\x00\x18ftypmp42 motion photo video, ©xyz+09.78+105.47/")
	var out bytes.Buffer
	if err := JPEG(&out, bytes.NewReader(b.Bytes())); err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"GPS", "Nguyen", "second picture", "ftyp", "©xyz", "Ducky", "GoPro", "MPF"} {
		if bytes.Contains(out.Bytes(), []byte(leak)) {
			t.Errorf("%q is still in the file", leak)
		}
	}
	if !bytes.HasSuffix(out.Bytes(), []byte{0xFF, markerEOI}) || bytes.Count(out.Bytes(), []byte{0xFF, markerSOI}) != 1 {
		t.Error("the file does not end with its one image")
	}
	samePicture(t, in, out.Bytes())
}

// TestStripJPEGProgressive: a progressive JPEG (jpegtran -progressive
// -copy all of gps.jpg) has several scans, with tables between them; an
// Exif segment and a comment put between two scans go, and the picture is
// the same.
func TestStripJPEGProgressive(t *testing.T) {
	in, err := os.ReadFile("testdata/progressive.jpg")
	if err != nil {
		t.Fatal(err)
	}
	scans := bytes.Count(in, []byte{0xFF, markerSOS})
	third := 0
	for range 3 {
		third += 1 + bytes.Index(in[third+1:], []byte{0xFF, markerSOS})
	}
	seg := func(m byte, p string) []byte {
		return append([]byte{0xFF, m, byte((len(p) + 2) >> 8), byte(len(p) + 2)}, p...)
	}
	var b bytes.Buffer
	b.Write(in[:third])
	b.Write(seg(markerAPP1, "Exif\x00\x00MM\x00*GPS between scans 9.78"))
	b.Write(seg(markerCOM, "taken at 27 Nguyen Trai"))
	b.Write(in[third:])
	var out bytes.Buffer
	if err := JPEG(&out, bytes.NewReader(b.Bytes())); err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"GPS", "Nguyen", "Exif"} {
		if bytes.Contains(out.Bytes(), []byte(leak)) {
			t.Errorf("%q is still in the file", leak)
		}
	}
	if got := bytes.Count(out.Bytes(), []byte{0xFF, markerSOS}); got != scans {
		t.Errorf("%d scans after stripping, want %d", got, scans)
	}
	samePicture(t, in, out.Bytes())
}

// samePicture fails unless the stripped JPEG decodes to the picture of
// the original, pixel by pixel.
func samePicture(t *testing.T, original, stripped []byte) {
	t.Helper()
	samePictureAs(t, jpeg.Decode, original, stripped)
}
