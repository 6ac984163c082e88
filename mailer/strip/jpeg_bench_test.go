package strip

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"testing"
)

// BenchmarkStripJPEG copies a 12-megapixel photo with an Exif segment
// without its metadata; the allocations do not grow with the photo.
func BenchmarkStripJPEG(b *testing.B) {
	img := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
	for y := 0; y < 3000; y += 7 {
		for x := 0; x < 4000; x += 5 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x + y), 255})
		}
	}
	var enc bytes.Buffer
	jpeg.Encode(&enc, img, &jpeg.Options{Quality: 90})
	exif := orientationExif(6)
	exif = append(exif, bytes.Repeat([]byte{0}, 30000)...) // a thumbnail's worth
	var photo bytes.Buffer
	photo.Write(enc.Bytes()[:2])
	photo.Write([]byte{0xFF, markerAPP1, byte((len(exif) + 2) >> 8), byte(len(exif) + 2)})
	photo.Write(exif)
	photo.Write(enc.Bytes()[2:])
	b.SetBytes(int64(photo.Len()))
	b.ReportAllocs()
	var out bytes.Buffer
	out.Grow(photo.Len())
	for b.Loop() {
		out.Reset()
		// Plain Reader and Writer: no WriterTo or ReaderFrom shortcut, as with a blob and a file.
		if err := JPEG(struct{ io.Writer }{&out}, struct{ io.Reader }{bytes.NewReader(photo.Bytes())}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(photo.Len())/(1<<20), "photo-MB")
}
