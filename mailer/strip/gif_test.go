package strip

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"os"
	"slices"
	"testing"
)

// TestStripGIFSample strips an animated GIF that ffmpeg wrote and exiftool
// gave a comment and XMP: both are gone, the loop count stays, and the
// frames decode as they did.
func TestStripGIFSample(t *testing.T) {
	in, err := os.ReadFile("testdata/gif/gps.gif")
	if err != nil {
		t.Fatal(err)
	}
	out := stripWith(t, func(w *bytes.Buffer) error { return GIF(w, bytes.NewReader(in)) })
	for _, leak := range []string{"Nguyen", "0912345678", "XMP", "xmpmeta"} {
		if !bytes.Contains(in, []byte(leak)) {
			t.Fatalf("the sample holds no %q", leak)
		}
		if bytes.Contains(out, []byte(leak)) {
			t.Errorf("%q is still in the file", leak)
		}
	}
	if !bytes.Contains(out, []byte("NETSCAPE2.0")) {
		t.Errorf("the loop count is gone")
	}
	sameGIF(t, in, out)
}

// TestStripGIFBlocks: every extension but the graphic control and loop
// count ones is left out, wherever it is; what follows the
// trailer is too; a file without its trailer gets one.
func TestStripGIFBlocks(t *testing.T) {
	var enc bytes.Buffer
	pic := image.NewPaletted(image.Rect(0, 0, 2, 2), color.Palette{color.Black, color.White})
	pic.Pix = []byte{0, 1, 1, 0}
	if err := gif.Encode(&enc, pic, nil); err != nil {
		t.Fatal(err)
	}
	header, image := enc.Bytes()[:19], enc.Bytes()[19:enc.Len()-1] // the screen and colour table; the image
	if image[0] != gifImage {
		t.Fatalf("image/gif wrote %q", enc.Bytes())
	}
	control := []byte("\x21\xf9\x04\x04\x0a\x00\x00\x00")
	loop := []byte("\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00")
	comment := []byte("\x21\xfe\x0eNguyen Van An.\x00")
	xmp := append(append([]byte("\x21\xff\x0bXMP DataXMP"), "<x:xmpmeta>Nguyen</x:xmpmeta>"...), xmpMagic()...)
	icc := []byte("\x21\xff\x0bICCRGBG1012\x04abcd\x00")
	unknown := []byte("\x21\x99\x03abc\x00")
	text := []byte("\x21\x01\x0c\x00\x00\x00\x00\x02\x00\x02\x00\x01\x01\x00\x01\x06Nguyen\x00")
	in := bytes.Join([][]byte{header, loop, comment, control, image, xmp, icc, unknown, text, control, image, {0x3b}, []byte("trailer Nguyen")}, nil)
	out := stripWith(t, func(w *bytes.Buffer) error { return GIF(w, bytes.NewReader(in)) })
	want := bytes.Join([][]byte{header, loop, control, image, control, image, {0x3b}}, nil)
	if !bytes.Equal(out, want) {
		t.Fatalf("stripped:\n%q\nwant:\n%q", out, want)
	}
	if _, err := gif.DecodeAll(bytes.NewReader(out)); err != nil {
		t.Fatal(err)
	}
	cut := bytes.Join([][]byte{header, image, comment}, nil)
	out = stripWith(t, func(w *bytes.Buffer) error { return GIF(w, bytes.NewReader(cut)) })
	if want := bytes.Join([][]byte{header, image, {0x3b}}, nil); !bytes.Equal(out, want) {
		t.Fatalf("without its trailer:\n%q\nwant:\n%q", out, want)
	}
}

// xmpMagic is the "magic trailer" that follows XMP in a GIF: 258 bytes
// that make a reader walking sub-blocks land on the block's end.
func xmpMagic() []byte {
	b := []byte{1}
	for i := 0xff; i >= 0; i-- {
		b = append(b, byte(i))
	}
	return append(b, 0)
}

// TestStripGIFRefuses: a file that is not a GIF block by block is
// refused, not copied with what it may hide.
func TestStripGIFRefuses(t *testing.T) {
	in, err := os.ReadFile("testdata/gif/gps.gif")
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"empty":            nil,
		"a PNG":            []byte(pngSignature),
		"GIF90a":           append([]byte("GIF90a"), in[6:]...),
		"cut in a block":   in[:len(in)/2],
		"no image":         []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00\x3b"),
		"an unknown block": append(bytes.Clone(in[:13+3*256]), 0x99),
	} {
		if err := GIF(&bytes.Buffer{}, bytes.NewReader(b)); err != ErrNotGIF {
			t.Errorf("%s: %v, want ErrNotGIF", name, err)
		}
	}
}

// sameGIF fails unless the stripped GIF decodes (image/gif) to the frames,
// delays and loop count of the original.
func sameGIF(t testing.TB, original, stripped []byte) {
	t.Helper()
	before, err := gif.DecodeAll(bytes.NewReader(original))
	if err != nil {
		t.Fatal(err)
	}
	after, err := gif.DecodeAll(bytes.NewReader(stripped))
	if err != nil {
		t.Fatalf("the stripped file does not decode: %v", err)
	}
	if len(after.Image) != len(before.Image) || after.LoopCount != before.LoopCount {
		t.Fatalf("%d frames looping %d, was %d looping %d", len(after.Image), after.LoopCount, len(before.Image), before.LoopCount)
	}
	for i := range before.Image {
		if after.Delay[i] != before.Delay[i] || after.Disposal[i] != before.Disposal[i] {
			t.Fatalf("frame %d: delay or disposal changed", i)
		}
		b, a := before.Image[i], after.Image[i]
		if b.Rect != a.Rect || !bytes.Equal(b.Pix, a.Pix) || !slices.Equal(b.Palette, a.Palette) {
			t.Fatalf("frame %d changed", i)
		}
	}
}
