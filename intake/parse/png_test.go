package parse

import (
	"bytes"
	"encoding/base64"
	"math"
	"os"
	"testing"
	"time"
)

// TestPNGPhoto reads the capture time and GPS position of a PNG's eXIf
// chunk (testdata/gps.png: a picture written by image/png with the Exif
// block of gps.jpg as its eXIf chunk, before the image data, as ImageMagick
// and GIMP write it), as it reads a JPEG's.
func TestPNGPhoto(t *testing.T) {
	data, err := os.ReadFile("testdata/gps.png")
	if err != nil {
		t.Fatal(err)
	}
	msg := "Subject: p\nContent-Type: image/png; name=p.png\nContent-Transfer-Encoding: base64\n\n" +
		base64.StdEncoding.EncodeToString(data) + "\n"
	m := readString(t, msg)
	p := m.Attachments[0].Photo
	if m.Attachments[0].Type != "image/png" || p == nil || !p.HasGPS {
		t.Fatalf("%s: photo = %+v", m.Attachments[0].Type, p)
	}
	want := time.Date(2026, 3, 2, 8, 15, 30, 0, vietnamTime)
	if !p.Taken.Equal(want) || math.Abs(p.Lat-9.79) > 1e-6 || math.Abs(p.Lon-105.47) > 1e-6 {
		t.Errorf("photo = %+v, want %v 9.79 105.47", p, want)
	}
	// Some writers put "Exif\0\0" before the TIFF block, as in a JPEG.
	i := bytes.Index(data, []byte("eXIf")) + 4
	prefixed := pngWithEXIF(append([]byte("Exif\x00\x00"), data[i:i+178]...))
	if p := readPhoto("image/png", prefixed); p == nil || !p.HasGPS {
		t.Errorf("eXIf with an Exif header: photo = %+v", p)
	}
	for name, b := range map[string][]byte{
		"cut in the eXIf chunk": data[:i+100],
		"no eXIf chunk":         pngWithEXIF(nil),
		"not a PNG":             data[1:],
	} {
		if p := readPhoto("image/png", b); p != nil {
			t.Errorf("%s: photo = %+v", name, p)
		}
	}
}

// pngWithEXIF is a PNG header followed by an eXIf chunk holding exif (none
// when nil) and an IEND; the CRCs are not checked when reading.
func pngWithEXIF(exif []byte) []byte {
	b := []byte("\x89PNG\r\n\x1a\n")
	b = append(b, u32(13)...)
	b = append(b, "IHDR"...)
	b = append(b, make([]byte, 13+4)...)
	if exif != nil {
		b = append(b, u32(uint32(len(exif)))...)
		b = append(b, "eXIf"...)
		b = append(b, exif...)
		b = append(b, 0, 0, 0, 0)
	}
	return append(b, 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82)
}

// TestWebPPhoto reads the capture time and GPS position of a WebP's EXIF
// chunk (testdata/gps.webp: cwebp -metadata all of gps.jpg) when it lies
// in the bytes read.
func TestWebPPhoto(t *testing.T) {
	data, err := os.ReadFile("testdata/gps.webp")
	if err != nil {
		t.Fatal(err)
	}
	if typ := sniffType(data, "anh.webp"); typ != "image/webp" {
		t.Fatalf("sniffed %q", typ)
	}
	p := readPhoto("image/webp", data)
	if p == nil || !p.HasGPS || math.Abs(p.Lat-9.79) > 1e-6 || math.Abs(p.Lon-105.47) > 1e-6 || p.Taken.IsZero() {
		t.Fatalf("photo = %+v", p)
	}
	if p := readPhoto("image/webp", data[:len(data)-40]); p != nil {
		t.Errorf("cut in the EXIF chunk: photo = %+v", p)
	}
}
