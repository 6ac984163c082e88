package strip

import (
	"bytes"
	"encoding/binary"
	"os"
	"strings"
	"testing"

	"golang.org/x/image/webp"
)

// TestStripWebPSamples strips WebP files written by libwebp's tools: the
// EXIF and XMP chunks become padding of zeros, the header no longer
// announces them, the picture's chunks stay as they were, and the file
// keeps its length.
func TestStripWebPSamples(t *testing.T) {
	for _, tc := range []struct {
		file string
		want string // the chunks of the stripped file
	}{
		{"gps.webp", "VP8X VP8  JUNK"},
		{"gps-xmp.webp", "VP8X VP8  JUNK JUNK"},
		{"gimp-lossless.webp", "VP8X ICCP VP8L"},
		{"anim-exif-xmp.webp", "VP8X ANIM ANMF ANMF ANMF JUNK JUNK"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			in, err := os.ReadFile("testdata/webp/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := WebP(&out, bytes.NewReader(in)); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(webpChunks(t, out.Bytes()), " "); got != tc.want {
				t.Errorf("chunks %q, want %q", got, tc.want)
			}
			if out.Len() != len(in) {
				t.Errorf("%d bytes, was %d", out.Len(), len(in))
			}
			for _, leak := range []string{"EXIF", "XMP", "II*", "Nguyen", "xmpmeta"} {
				if bytes.Contains(out.Bytes(), []byte(leak)) {
					t.Errorf("%q is still in the file", leak)
				}
			}
			if flags := out.Bytes()[20]; flags&(vp8xEXIF|vp8xXMP) != 0 {
				t.Errorf("the header still announces metadata: %#x", flags)
			}
			if !strings.HasPrefix(tc.file, "anim") { // image/webp decodes no animation
				sameWebP(t, in, out.Bytes())
			}
		})
	}
}

// TestStripWebPFrames: a chunk other than the image's within an
// animation's frame is overwritten too, and what follows the file's length
// is not copied.
func TestStripWebPFrames(t *testing.T) {
	in, err := os.ReadFile("testdata/webp/anim-exif-xmp.webp")
	if err != nil {
		t.Fatal(err)
	}
	// Append a chunk to the first frame, and bytes after the file.
	first := bytes.Index(in, []byte("ANMF"))
	frameLen := int(binary.LittleEndian.Uint32(in[first+4:]))
	end := first + 8 + frameLen
	extra := webpRaw("XMP ", []byte("<x:xmpmeta>Nguyen Van An</x:xmpmeta>"))
	b := bytes.Join([][]byte{in[:end], extra, in[end:], []byte("trailer Nguyen")}, nil)
	binary.LittleEndian.PutUint32(b[first+4:], uint32(frameLen+len(extra)))
	binary.LittleEndian.PutUint32(b[4:], uint32(len(in)+len(extra)-8))
	var out bytes.Buffer
	if err := WebP(&out, bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out.Bytes(), []byte("Nguyen")) || bytes.Contains(out.Bytes(), []byte("trailer")) {
		t.Errorf("the frame's XMP or the trailer is still there")
	}
	if out.Len() != len(b)-len("trailer Nguyen") {
		t.Errorf("%d bytes, want %d", out.Len(), len(b)-len("trailer Nguyen"))
	}
}

// TestStripWebPRefuses: a file that is not a WebP file chunk by chunk is
// refused (and must be left out), not copied with what it may hide.
func TestStripWebPRefuses(t *testing.T) {
	good, err := os.ReadFile("testdata/webp/gps.webp")
	if err != nil {
		t.Fatal(err)
	}
	withSize := func(b []byte, size uint32) []byte {
		b = bytes.Clone(b)
		binary.LittleEndian.PutUint32(b[4:], size)
		return b
	}
	vp8x := bytes.Clone(good)
	binary.LittleEndian.PutUint32(vp8x[16:], 9)
	for name, in := range map[string][]byte{
		"empty":                      nil,
		"a PNG":                      []byte(pngSignature),
		"an AVI":                     append([]byte("RIFF\x04\x00\x00\x00AVI "), good[12:]...),
		"a size past the end":        withSize(good, uint32(len(good))),
		"a size inside a chunk":      withSize(good, 4+18+8),
		"a size under the form type": withSize(good, 2),
		"cut short":                  good[:len(good)-10],
		"a VP8X of 9 bytes":          vp8x,
		"no image":                   withSize(good[:12+18], 4+18),
	} {
		if err := WebP(&bytes.Buffer{}, bytes.NewReader(in)); err != ErrNotWebP {
			t.Errorf("%s: %v, want ErrNotWebP", name, err)
		}
	}
}

// webpRaw is a chunk: type, little-endian length, payload, padding.
func webpRaw(fourcc string, payload []byte) []byte {
	b := append([]byte(fourcc), binary.LittleEndian.AppendUint32(nil, uint32(len(payload)))...)
	b = append(b, payload...)
	if len(payload)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// webpChunks lists a WebP file's top-level chunks, checking that its
// length is the header's and that every JUNK chunk holds zeros.
func webpChunks(t testing.TB, b []byte) []string {
	t.Helper()
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		t.Fatal("no WebP header")
	}
	if size := int(binary.LittleEndian.Uint32(b[4:])); size != len(b)-8 {
		t.Fatalf("the header gives %d bytes, the file has %d", size, len(b)-8)
	}
	var types []string
	for i := 12; i < len(b); {
		if i+8 > len(b) {
			t.Fatalf("a chunk cut short at %d", i)
		}
		n := int(binary.LittleEndian.Uint32(b[i+4:]))
		padded := n + n&1
		if i+8+padded > len(b) {
			t.Fatalf("a chunk cut short at %d", i)
		}
		fourcc := string(b[i : i+4])
		if fourcc == "JUNK" && bytes.Count(b[i+8:i+8+padded], []byte{0}) != padded {
			t.Fatalf("a JUNK chunk holds more than zeros")
		}
		types = append(types, fourcc)
		i += 8 + padded
	}
	return types
}

// sameWebP fails unless the stripped WebP decodes to the picture of the
// original, pixel by pixel.
func sameWebP(t testing.TB, original, stripped []byte) {
	t.Helper()
	samePictureAs(t, webp.Decode, original, stripped)
}

// TestStripWebPUnknownChunks: a chunk that WebP does not know, anywhere in
// the file (a camera's own, with its owner's name), becomes padding of
// zeros, and bytes after the length the header gives are not copied.
func TestStripWebPUnknownChunks(t *testing.T) {
	in, err := os.ReadFile("testdata/webp/gps.webp")
	if err != nil {
		t.Fatal(err)
	}
	own := webpRaw("MAKR", []byte("OwnerName Nguyen Van An"))
	b := bytes.Join([][]byte{in[:30], own, in[30:], []byte("GPS 9.79 105.47")}, nil) // after VP8X
	binary.LittleEndian.PutUint32(b[4:], uint32(len(in)+len(own)-8))
	var out bytes.Buffer
	if err := WebP(&out, bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(webpChunks(t, out.Bytes()), " "); got != "VP8X JUNK VP8  JUNK" {
		t.Errorf("chunks %q", got)
	}
	if bytes.Contains(out.Bytes(), []byte("Nguyen")) || bytes.Contains(out.Bytes(), []byte("GPS")) {
		t.Errorf("the unknown chunk or the bytes after the file are still there")
	}
}
