package strip

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"testing"
)

// BenchmarkStripPNG copies a 12-megapixel photo with an eXIf chunk (a
// thumbnail's worth), XMP and a comment without its metadata; the
// allocations do not grow with the photo.
func BenchmarkStripPNG(b *testing.B) {
	img := image.NewNRGBA(image.Rect(0, 0, 4000, 3000))
	for y := range 3000 {
		for x := range 4000 {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), uint8(x*y>>7) ^ uint8(y*x), 255})
		}
	}
	var enc bytes.Buffer
	if err := png.Encode(&enc, img); err != nil {
		b.Fatal(err)
	}
	exif := append(orientationTIFF(6), bytes.Repeat([]byte{0}, 30000)...)
	photo := insertChunks(enc.Bytes(), [][]byte{pngRaw("eXIf", exif),
		pngRaw("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta/>"))},
		[][]byte{pngRaw("tEXt", []byte("Comment\x00taken at 27 Nguyen Trai"))})
	b.SetBytes(int64(len(photo)))
	b.ReportAllocs()
	var out bytes.Buffer
	out.Grow(len(photo))
	for b.Loop() {
		out.Reset()
		// Plain Reader and Writer: no WriterTo or ReaderFrom shortcut, as with a blob and a file.
		if err := PNG(struct{ io.Writer }{&out}, struct{ io.Reader }{bytes.NewReader(photo)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(photo))/(1<<20), "photo-MB")
}
