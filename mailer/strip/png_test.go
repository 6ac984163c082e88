package strip

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestStripPNGSamples strips PNG files written by other programs (GIMP,
// PngSuite, an animated PNG, an HDR one): their text, time and Exif chunks
// go, the chunks that show the picture stay in their order, and the
// picture is the same.
func TestStripPNGSamples(t *testing.T) {
	for _, tc := range []struct {
		file  string
		want  string // the chunks of the stripped file
		leaks []string
	}{
		{"F-exif-chunk-early.png", "IHDR eXIf iCCP pHYs IDAT IDAT IEND", []string{"GIMP", "tIME", "Comment"}},
		{"cten0g04.png", "IHDR gAMA IDAT IEND", []string{"Willem", "Schaik", "NeXTstation", "iTXt"}},
		{"ctzn0g04.png", "IHDR gAMA IDAT IEND", []string{"Willem", "Copyright", "zTXt", "tEXt"}},
		{"cm0n0g04.png", "IHDR gAMA IDAT IEND", []string{"tIME"}},
		{"basic_f20.png", "IHDR acTL fcTL IDAT" + strings.Repeat(" fcTL fdAT", 19) + " IEND", nil},
		{"cicp_pq.png", "IHDR cHRM cICP cLLI mDCV IDAT IEND", nil},
	} {
		t.Run(tc.file, func(t *testing.T) {
			in, err := os.ReadFile("testdata/png/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := PNG(&out, bytes.NewReader(in)); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(pngChunks(t, out.Bytes()), " "); got != tc.want {
				t.Errorf("chunks\n%s\nwant\n%s", got, tc.want)
			}
			for _, leak := range tc.leaks {
				if bytes.Contains(out.Bytes(), []byte(leak)) {
					t.Errorf("%q is still in the file", leak)
				}
			}
			samePNG(t, in, out.Bytes())
		})
	}
}

// TestStripPNGKeepsOrientation: GIMP's eXIf chunk (orientation 6, the
// resolution, the resolution unit, YCbCr positioning) becomes one that
// holds the orientation alone.
func TestStripPNGKeepsOrientation(t *testing.T) {
	in, err := os.ReadFile("testdata/png/F-exif-chunk-early.png")
	if err != nil {
		t.Fatal(err)
	}
	if tiffOrientation(pngChunk(t, in, "eXIf")) != 6 {
		t.Fatal("the sample's orientation is not 6")
	}
	var out bytes.Buffer
	if err := PNG(&out, bytes.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	if got := pngChunk(t, out.Bytes(), "eXIf"); !bytes.Equal(got, orientationTIFF(6)) {
		t.Errorf("eXIf after stripping: %x", got)
	}
}

// TestStripPNGMetadata strips a photo as a phone or an editor leaves it:
// an Exif block with the camera's owner and GPS position (the one of
// testdata/gps.jpg), XMP in iTXt, an author in tEXt, a comment in zTXt, the
// time, a program's private chunk, the text chunks after the image data
// (where some programs put them), and bytes after the end.
func TestStripPNGMetadata(t *testing.T) {
	picture := testPNG(t, 64, 48)
	jpg, err := os.ReadFile("testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	exif := jpegTIFF(t, jpg)
	in := insertChunks(picture,
		[][]byte{
			pngRaw("eXIf", exif),
			pngRaw("tEXt", []byte("Author\x00Nguyen Van An")),
			pngRaw("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta><exif:GPSLatitude>9,47.4N</exif:GPSLatitude></x:xmpmeta>")),
			pngRaw("tIME", []byte{0x07, 0xEA, 3, 2, 8, 15, 0}),
			pngRaw("prVt", []byte("owner 0912345678")),
		},
		[][]byte{
			pngRaw("tEXt", []byte("Comment\x00taken at 27 Nguyen Trai")),
		})
	in = append(in, []byte("trailer: Nguyen Van An")...)
	var out bytes.Buffer
	if err := PNG(&out, bytes.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"Nguyen", "0912345678", "xmpmeta", "GPS", "trailer", "prVt", "tIME", "tEXt", "iTXt", "eXIf"} {
		if bytes.Contains(out.Bytes(), []byte(leak)) {
			t.Errorf("%q is still in the file", leak)
		}
	}
	if got, want := strings.Join(pngChunks(t, out.Bytes()), " "), strings.Join(pngChunks(t, picture), " "); got != want {
		t.Errorf("chunks %s, want those of the picture: %s", got, want)
	}
	samePNG(t, in, out.Bytes())
}

// TestStripPNGRefuses: a file that is not a PNG chunk by chunk is refused
// (and must be left out), not copied with what it may hide.
func TestStripPNGRefuses(t *testing.T) {
	good := testPNG(t, 8, 8)
	ihdr := good[8 : 8+12+13]
	rest := good[8+12+13:]
	flip := func(b []byte, at int) []byte {
		b = bytes.Clone(b)
		b[at] ^= 1
		return b
	}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	iend := pngRaw("IEND", nil)
	for name, in := range map[string][]byte{
		"empty":                 nil,
		"a JPEG":                []byte("\xFF\xD8\xFF\xE0"),
		"a bad signature":       flip(good, 1),
		"a bad CRC in IDAT":     flip(good, len(good)-12-5),
		"a bad CRC in tEXt":     cat(good[:8], ihdr, flip(pngRaw("tEXt", []byte("a\x00b")), 9), rest),
		"truncated in the data": good[:len(good)-20],
		"truncated in a chunk":  good[:8+12+5],
		"no IEND":               good[:len(good)-12],
		"IDAT before IHDR":      cat(good[:8], rest[:len(rest)-12], ihdr, iend),
		"two IHDR":              cat(good[:8], ihdr, ihdr, rest),
		"IEND before IDAT":      cat(good[:8], ihdr, iend),
		"IEND with a payload":   cat(good[:8], ihdr, rest[:len(rest)-12], pngRaw("IEND", []byte("x"))),
		"a length over 2^31-1":  cat(good[:8], ihdr, []byte{0x80, 0, 0, 0}, []byte("tEXt")),
		"an eXIf cut short":     cat(good[:8], ihdr, []byte{0, 0, 1, 0}, []byte("eXIfMM")),
		"a CRC missing at end":  good[:len(good)-4],
		"only the signature":    good[:8],
		"garbage after the sig": cat(good[:8], []byte("garbage")),
	} {
		if err := PNG(&bytes.Buffer{}, bytes.NewReader(in)); err != ErrNotPNG {
			t.Errorf("%s: %v, want ErrNotPNG", name, err)
		}
	}
}

// testPNG encodes a picture of w×h pixels with image/png.
func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x * 7), uint8(y * 5), uint8(x ^ y), uint8(255 - x)})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// insertChunks puts the chunks before right after a PNG file's IHDR and
// those after right after its last IDAT.
func insertChunks(file []byte, before, after [][]byte) []byte {
	ihdrEnd := 8 + 12 + 13
	iend := len(file) - 12
	var b bytes.Buffer
	b.Write(file[:ihdrEnd])
	b.Write(bytes.Join(before, nil))
	b.Write(file[ihdrEnd:iend])
	b.Write(bytes.Join(after, nil))
	b.Write(file[iend:])
	return b.Bytes()
}

// pngRaw is a chunk: length, type, payload, CRC.
func pngRaw(typ string, payload []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(payload)))
	b = append(b, typ...)
	b = append(b, payload...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// pngChunks lists a PNG file's chunk types, checking its signature, CRCs
// and that nothing follows IEND.
func pngChunks(t testing.TB, b []byte) []string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte(pngSignature)) {
		t.Fatal("no PNG signature")
	}
	var types []string
	for i := len(pngSignature); i < len(b); {
		if i+12 > len(b) {
			t.Fatalf("a chunk cut short at %d", i)
		}
		n := int(binary.BigEndian.Uint32(b[i:]))
		if i+12+n > len(b) {
			t.Fatalf("a chunk cut short at %d", i)
		}
		if crc32.ChecksumIEEE(b[i+4:i+8+n]) != binary.BigEndian.Uint32(b[i+8+n:]) {
			t.Fatalf("chunk %q: bad CRC", b[i+4:i+8])
		}
		types = append(types, string(b[i+4:i+8]))
		i += 12 + n
	}
	if len(types) == 0 || types[len(types)-1] != "IEND" || slices.Index(types, "IEND") != len(types)-1 {
		t.Fatalf("does not end with IEND: %v", types)
	}
	return types
}

// pngChunk returns the payload of a PNG file's first chunk of type typ.
func pngChunk(t testing.TB, b []byte, typ string) []byte {
	t.Helper()
	for i := len(pngSignature); i+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		if string(b[i+4:i+8]) == typ {
			return b[i+8 : i+8+n]
		}
		i += 12 + n
	}
	t.Fatalf("no %s chunk", typ)
	return nil
}

// jpegTIFF returns the TIFF block of a JPEG's Exif segment.
func jpegTIFF(t testing.TB, jpg []byte) []byte {
	t.Helper()
	i := bytes.Index(jpg, exifHeader)
	if i < 0 {
		t.Fatal("no Exif in the JPEG")
	}
	size := int(binary.BigEndian.Uint16(jpg[i-2:]))
	return jpg[i+len(exifHeader) : i-2+size]
}

// samePNG fails unless the stripped PNG decodes to the picture of the
// original, pixel by pixel.
func samePNG(t testing.TB, original, stripped []byte) {
	t.Helper()
	samePictureAs(t, png.Decode, original, stripped)
}

// samePictureAs fails unless decode reads from the stripped file the
// picture it reads from the original, pixel by pixel.
func samePictureAs(t testing.TB, decode func(io.Reader) (image.Image, error), original, stripped []byte) {
	t.Helper()
	before, err := decode(bytes.NewReader(original))
	if err != nil {
		t.Fatal(err)
	}
	after, err := decode(bytes.NewReader(stripped))
	if err != nil {
		t.Fatalf("the stripped file does not decode: %v", err)
	}
	sameImage(t, before, after)
}

func sameImage(t testing.TB, before, after image.Image) {
	t.Helper()
	if before.Bounds() != after.Bounds() {
		t.Fatalf("the picture is %v, was %v", after.Bounds(), before.Bounds())
	}
	if before.ColorModel() != after.ColorModel() {
		t.Fatalf("the colour model changed")
	}
	for y := before.Bounds().Min.Y; y < before.Bounds().Max.Y; y++ {
		for x := before.Bounds().Min.X; x < before.Bounds().Max.X; x++ {
			if before.At(x, y) != after.At(x, y) {
				t.Fatalf("the picture changed at %d,%d", x, y)
			}
		}
	}
}
