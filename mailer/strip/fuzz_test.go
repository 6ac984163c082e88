package strip

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/gif"
	"image/png"
	"io"
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
	seedFiles(f, []string{"testdata/gps.jpg", "testdata/progressive.jpg"})
	f.Add([]byte("\xFF\xD8\xFF\xDA\x00\x02\x01\xFF\x00\xFF\xD9trailer"))
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		if err := JPEG(&out, bytes.NewReader(in)); err != nil {
			return
		}
		segments(t, out.Bytes())
		stripsOnce(t, JPEG, out.Bytes())
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
	seedGlob(f, "testdata/png/*.png", false)
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
		stripsOnce(t, PNG, out.Bytes())
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
	seedGlob(f, "testdata/webp/*.webp")
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
		stripsOnce(t, WebP, out.Bytes())
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

// isoSeeds are the seeds of FuzzStripHEIF and FuzzStripMP4: the samples,
// and files built in the shapes phones write.
func isoSeeds(f *testing.F) {
	seedGlob(f, "testdata/iso/*")
	exif := appleExif(f)
	f.Add(buildHEIC(iphoneItems(exif), heicLayout{ilocVersion: 2, base: true, split: true, udes: true}))
	items := iphoneItems(exif)
	items[1].idat = true
	f.Add(buildHEIC(items, heicLayout{ilocVersion: 0}))
	f.Add(buildMOV("com.apple.quicktime.still-image-time"))
}

// FuzzStripHEIF: whatever the input, HEIF does not panic; what it writes
// has the input's length, every box it keeps is one MP4 keeps (padding
// holds zeros), the metadata items its item table places hold an empty
// Exif block or zeros, and stripping again leaves it as it is.
func FuzzStripHEIF(f *testing.F) {
	isoSeeds(f)
	f.Fuzz(func(t *testing.T, in []byte) { checkISO(t, HEIF, in) })
}

// FuzzStripMP4: the same for MP4, which is the same reader.
func FuzzStripMP4(f *testing.F) {
	isoSeeds(f)
	f.Fuzz(func(t *testing.T, in []byte) { checkISO(t, MP4, in) })
}

func checkISO(t *testing.T, strip func(io.Writer, io.Reader) error, in []byte) {
	var out bytes.Buffer
	if err := strip(&out, bytes.NewReader(in)); err != nil {
		return
	}
	b := out.Bytes()
	if len(b) != len(in) {
		t.Fatalf("%d bytes, was %d", len(b), len(in))
	}
	keptBoxes(t, b)
	for _, n := range isoTree(t, b) {
		if n.path != "meta" || len(n.payload) < 24 || string(n.payload[20:24]) != "pict" {
			continue
		}
		start := int64(n.at + 8) // the payload, after the header
		if binary.BigEndian.Uint32(b[n.at:]) == 1 {
			start += 8 // a 64-bit size
		}
		items, err := heifItems(bytes.Clone(n.payload), start, start+int64(len(n.payload)))
		if err != nil {
			t.Fatalf("the stripped item table is refused: %v", err)
		}
		for _, it := range items {
			want := make([]byte, it.end-it.off)
			fillBlank(want, it.at, it.size, it.kind)
			if got := b[it.off:it.end]; !bytes.Equal(got, want) {
				t.Fatalf("a metadata item's extent holds %q", got)
			}
		}
	}
	stripsOnce(t, strip, b)
}

// FuzzStripGIF: whatever the input, GIF does not panic; what it writes is
// a GIF whose extensions are all kept ones, that ends at its trailer and
// that stripping again leaves as it is; and when image/gif decodes the
// input, GIF takes it and the output decodes to the same frames.
func FuzzStripGIF(f *testing.F) {
	seedGlob(f, "testdata/gif/*.gif")
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		err := GIF(&out, bytes.NewReader(in))
		decoded := decodesGIF(in)
		if decoded && err != nil {
			t.Fatalf("image/gif reads the input, GIF refused it: %v", err)
		}
		if err != nil {
			return
		}
		gifKeptBlocks(t, out.Bytes())
		stripsOnce(t, GIF, out.Bytes())
		if decoded {
			sameGIF(t, in, out.Bytes())
		}
	})
}

// decodesGIF reports whether image/gif reads every frame of b, for frames
// of at most a million pixels.
func decodesGIF(b []byte) bool {
	cfg, err := gif.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width*cfg.Height > 1<<20 {
		return false
	}
	_, err = gif.DecodeAll(bytes.NewReader(b))
	return err == nil
}

// gifKeptBlocks walks a stripped GIF's blocks and fails on an extension
// GIF does not keep, or bytes after the trailer.
func gifKeptBlocks(t *testing.T, b []byte) {
	t.Helper()
	table := func(i int, packed byte) int {
		if packed&0x80 != 0 {
			i += 3 << (packed&7 + 1)
		}
		return i
	}
	subBlocks := func(i int) int {
		for i < len(b) && b[i] != 0 {
			i += 1 + int(b[i])
		}
		return i + 1
	}
	for i := table(13, b[10]); i < len(b); {
		switch b[i] {
		case gifTrailer:
			if i != len(b)-1 {
				t.Fatalf("%d bytes after the trailer", len(b)-1-i)
			}
			return
		case gifImage:
			i = subBlocks(table(i+10, b[i+9]) + 1)
		case gifExtension:
			label := b[i+1]
			if label == gifApplication && !gifLoops[string(b[i+3:i+14])] || label != gifApplication && label != gifControl {
				t.Fatalf("extension %#x copied: %q", label, b[i:min(i+14, len(b))])
			}
			i = subBlocks(i + 2)
		default:
			t.Fatalf("block %#x at %d", b[i], i)
		}
	}
	t.Fatal("no trailer")
}

// seedGlob adds each file that pattern matches to f's corpus, followed by
// the fuzz target's other arguments, extra.
func seedGlob(f *testing.F, pattern string, extra ...any) {
	f.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		f.Fatal(err)
	}
	seedFiles(f, files, extra...)
}

// seedFiles adds each named file to f's corpus, followed by extra.
func seedFiles(f *testing.F, names []string, extra ...any) {
	f.Helper()
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(append([]any{b}, extra...)...)
	}
}

// stripsOnce fails unless stripping out, the output of strip, again
// takes it and leaves it as it is.
func stripsOnce(t *testing.T, strip func(io.Writer, io.Reader) error, out []byte) {
	t.Helper()
	var again bytes.Buffer
	if err := strip(&again, bytes.NewReader(out)); err != nil {
		t.Fatalf("stripped output refused: %v", err)
	}
	if !bytes.Equal(again.Bytes(), out) {
		t.Fatalf("stripping twice changed the file:\n%x\n%x", out, again.Bytes())
	}
}
