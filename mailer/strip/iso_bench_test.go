package strip

import (
	"bytes"
	"image"
	"image/color/palette"
	"image/gif"
	"io"
	"testing"
)

// benchStrip copies file through strip with a plain Reader and Writer (no
// WriterTo or ReaderFrom shortcut, as with a blob and a file).
func benchStrip(b *testing.B, strip func(io.Writer, io.Reader) error, file []byte) {
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	var out bytes.Buffer
	out.Grow(len(file))
	for b.Loop() {
		out.Reset()
		if err := strip(struct{ io.Writer }{&out}, struct{ io.Reader }{bytes.NewReader(file)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(file))/(1<<20), "file-MB")
}

// BenchmarkStripHEIF copies a 12-megapixel iPhone photo's worth of HEIC
// (48 tiles of 60 KB, a thumbnail, an Exif item with GPS, XMP) without its
// metadata.
func BenchmarkStripHEIF(b *testing.B) {
	items := iphoneItems(appleExif(b))
	for range 46 {
		items = append(items, heicItem{typ: "hvc1", data: bytes.Repeat([]byte{0x29, 0x01, 0xaf}, 20<<10)})
	}
	benchStrip(b, HEIF, buildHEIC(items, heicLayout{ilocVersion: 1}))
}

// BenchmarkStripMP4 copies a 64 MB video in an iPhone's shape (its movie
// box after the media data) without its metadata: the allocations do not
// grow with the video.
func BenchmarkStripMP4(b *testing.B) {
	mov := buildMOV("com.apple.quicktime.still-image-time")
	mdat := isoBox("mdat", bytes.Repeat([]byte{0x00, 0x00, 0x01, 0x65, 0x88, 0x84}, 64<<20/6))
	i := bytes.Index(mov, []byte("mdat")) - 4
	n := len(isoFind(b, mov, "mdat")[0]) + 8
	benchStrip(b, MP4, bytes.Join([][]byte{mov[:i], mdat, mov[i+n:]}, nil))
}

// BenchmarkStripGIF copies a 100-frame 640×480 animation with a comment and
// XMP without its metadata.
func BenchmarkStripGIF(b *testing.B) {
	anim := &gif.GIF{LoopCount: 0}
	for f := range 100 {
		pic := image.NewPaletted(image.Rect(0, 0, 640, 480), palette.Plan9)
		for i := range pic.Pix {
			pic.Pix[i] = uint8(i*7+f*13) ^ uint8(i>>9)
		}
		anim.Image = append(anim.Image, pic)
		anim.Delay = append(anim.Delay, 4)
	}
	var enc bytes.Buffer
	if err := gif.Encode(&enc, anim.Image[0], nil); err != nil {
		b.Fatal(err)
	}
	enc.Reset()
	if err := gif.EncodeAll(&enc, anim); err != nil {
		b.Fatal(err)
	}
	file := enc.Bytes()
	comment := []byte("\x21\xfe\x0eNguyen Van An.\x00")
	at := bytes.Index(file, []byte("NETSCAPE2.0")) - 3
	file = bytes.Join([][]byte{file[:at], comment, file[at:]}, nil)
	benchStrip(b, GIF, file)
}
