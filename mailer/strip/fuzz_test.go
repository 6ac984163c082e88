package strip

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/webp"
)

// FuzzStripJPEG: whatever the input, JPEG does not panic; what it
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
		if err := JPEG(&out, bytes.NewReader(in)); err != nil {
			return
		}
		segments(t, out.Bytes())
		var again bytes.Buffer
		if err := JPEG(&again, bytes.NewReader(out.Bytes())); err != nil {
			t.Fatalf("stripped output refused: %v", err)
		}
		if !bytes.Equal(again.Bytes(), out.Bytes()) {
			t.Fatalf("stripping twice changed the file:\n%x\n%x", out.Bytes(), again.Bytes())
		}
	})
}

// segments walks a stripped file's markers and fails on a segment that
// JPEG must not copy, or bytes after the end of the image.
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

// FuzzStripPNG: whatever the input, PNG does not panic; what it writes is
// a PNG file whose chunks are all kept ones (an eXIf chunk holds the
// orientation alone), that ends at IEND and that stripping again leaves
// as it is; and when image/png decodes the input, PNG takes it and the
// output decodes to the same picture. With fixCRC the input's chunk CRCs
// are made right first, so that the fuzzer reaches past them.
func FuzzStripPNG(f *testing.F) {
	files, err := filepath.Glob("testdata/png/*.png")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
	}
	f.Add(testPNG(f, 3, 2), false)
	f.Add(insertChunks(testPNG(f, 2, 2), [][]byte{pngRaw("eXIf", orientationTIFF(8)), pngRaw("tEXt", []byte("a\x00b"))}, nil), true)
	f.Fuzz(func(t *testing.T, in []byte, fixCRC bool) {
		if fixCRC {
			in = fixCRCs(in)
		}
		var out bytes.Buffer
		err := PNG(&out, bytes.NewReader(in))
		if decodes(in) {
			if err != nil {
				t.Fatalf("image/png reads the input, PNG refused it: %v", err)
			}
			samePNG(t, in, out.Bytes())
		}
		if err != nil {
			return
		}
		for _, typ := range pngChunks(t, out.Bytes()) {
			if !pngKept[typ] && typ != "eXIf" {
				t.Fatalf("chunk %s copied", typ)
			}
		}
		if bytes.Contains(out.Bytes(), []byte("eXIf")) {
			if e := pngChunk(t, out.Bytes(), "eXIf"); !bytes.Equal(e, orientationTIFF(tiffOrientation(e))) {
				t.Fatalf("eXIf holds more than the orientation: %x", e)
			}
		}
		var again bytes.Buffer
		if err := PNG(&again, bytes.NewReader(out.Bytes())); err != nil {
			t.Fatalf("stripped output refused: %v", err)
		}
		if !bytes.Equal(again.Bytes(), out.Bytes()) {
			t.Fatalf("stripping twice changed the file:\n%x\n%x", out.Bytes(), again.Bytes())
		}
	})
}

// decodes reports whether image/png reads b, for a picture of at most a
// million pixels.
func decodes(b []byte) bool {
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width*cfg.Height > 1<<20 {
		return false
	}
	_, err = png.Decode(bytes.NewReader(b))
	return err == nil
}

// fixCRCs sets the CRC of each whole chunk of a PNG file to the right one.
func fixCRCs(in []byte) []byte {
	b := bytes.Clone(in)
	for i := len(pngSignature); i+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		if i+12+n > len(b) {
			break
		}
		binary.BigEndian.PutUint32(b[i+8+n:], crc32.ChecksumIEEE(b[i+4:i+8+n]))
		i += 12 + n
	}
	return b
}

// FuzzStripWebP: whatever the input, WebP does not panic; what it writes
// is a WebP file of the length its header gives, whose chunks are kept
// ones or padding of zeros, whose header announces no metadata, and that
// stripping again leaves as it is; it decodes (with image/webp) when the
// input does, to the same picture.
func FuzzStripWebP(f *testing.F) {
	files, err := filepath.Glob("testdata/webp/*.webp")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		if err := WebP(&out, bytes.NewReader(in)); err != nil {
			return
		}
		for _, fourcc := range webpChunks(t, out.Bytes()) {
			if !webpKept[fourcc] && fourcc != "JUNK" {
				t.Fatalf("chunk %q copied", fourcc)
			}
		}
		if b := out.Bytes(); string(b[12:16]) == "VP8X" && b[20]&(vp8xEXIF|vp8xXMP) != 0 {
			t.Fatalf("the header announces metadata: %#x", b[20])
		}
		var again bytes.Buffer
		if err := WebP(&again, bytes.NewReader(out.Bytes())); err != nil {
			t.Fatalf("stripped output refused: %v", err)
		}
		if !bytes.Equal(again.Bytes(), out.Bytes()) {
			t.Fatalf("stripping twice changed the file:\n%x\n%x", out.Bytes(), again.Bytes())
		}
		before, errIn := decodeWebP(in)
		after, errOut := decodeWebP(out.Bytes())
		if (errIn == nil) != (errOut == nil) {
			t.Fatalf("the input decodes: %v; the output: %v", errIn, errOut)
		}
		if errIn == nil {
			sameImage(t, before, after)
		}
	})
}

// decodeWebP decodes b with image/webp, for a picture of at most a
// million pixels.
func decodeWebP(b []byte) (image.Image, error) {
	cfg, err := webp.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	if cfg.Width*cfg.Height > 1<<20 {
		return nil, errors.New("too large to compare")
	}
	return webp.Decode(bytes.NewReader(b))
}
