package mailer

import (
	"bytes"
	"os"
	"testing"
)

// FuzzStripJPEG: whatever the input, StripJPEG does not panic; what it
// writes holds no comment and no application segment but those it keeps,
// before or between the scans, nothing after the end of the image, and
// stripping it again changes nothing.
func FuzzStripJPEG(f *testing.F) {
	for _, name := range []string{"testdata/gps.jpg", "testdata/progressive.jpg"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("\xFF\xD8\xFF\xDA\x00\x02\x01\xFF\x00\xFF\xD9trailer"))
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		if err := StripJPEG(&out, bytes.NewReader(in)); err != nil {
			return
		}
		segments(t, out.Bytes())
		var again bytes.Buffer
		if err := StripJPEG(&again, bytes.NewReader(out.Bytes())); err != nil {
			t.Fatalf("stripped output refused: %v", err)
		}
		if !bytes.Equal(again.Bytes(), out.Bytes()) {
			t.Fatalf("stripping twice changed the file:\n%x\n%x", out.Bytes(), again.Bytes())
		}
	})
}

// segments walks a stripped file's markers and fails on a segment that
// StripJPEG must not copy, or bytes after the end of the image.
func segments(t *testing.T, b []byte) {
	t.Helper()
	for i := 2; i+1 < len(b); {
		if b[i] != 0xFF {
			i++ // image data
			continue
		}
		m := b[i+1]
		switch {
		case m == 0x00 || m == 0xFF || m == 0x01 || m >= 0xD0 && m <= 0xD7:
			i += 2
			continue
		case m == markerEOI:
			if i+2 != len(b) {
				t.Fatalf("%d bytes after the end of the image", len(b)-i-2)
			}
			return
		}
		if i+4 > len(b) {
			return
		}
		size := int(b[i+2])<<8 | int(b[i+3])
		if i+2+size > len(b) || size < 2 {
			return
		}
		payload := b[i+4 : i+2+size]
		if !keepSegment(m, payload) && !(m == markerAPP1 && bytes.Equal(payload, orientationExif(exifOrientation(payload)))) {
			t.Fatalf("segment %#x copied: %q", m, payload)
		}
		i += 2 + size
	}
}
