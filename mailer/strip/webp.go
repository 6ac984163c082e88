package strip

import (
	"bufio"
	"encoding/binary"
	"io"
)

// ErrNotWebP is returned by WebP for input that is not a WebP file it can
// read chunk by chunk to the end its header gives.
var ErrNotWebP error = FormatError("WebP")

// webpKept are the chunks of a WebP file that WebP copies: those that show
// the picture. webpFrameKept are those it copies within a frame of an
// animation (ANMF).
var (
	webpKept = map[string]bool{
		"VP8X": true, "VP8 ": true, "VP8L": true, "ALPH": true, // the header and the image
		"ICCP": true,               // the colour profile
		"ANIM": true, "ANMF": true, // an animation and its frames
	}
	webpFrameKept = map[string]bool{"VP8 ": true, "VP8L": true, "ALPH": true}
)

// VP8X flags that say the file holds EXIF or XMP metadata.
const (
	vp8xEXIF = 1 << 3
	vp8xXMP  = 1 << 2
)

// WebP copies a WebP file from src to dst without its metadata: the EXIF
// chunk (GPS position, time, camera, owner), the XMP chunk, and any chunk
// that does not show the picture, in the file or in an animation's frames,
// become chunks of padding (RIFF's JUNK) of the same size holding zeros,
// and the header's flags no longer announce EXIF or XMP. A WebP file gives
// its length in its first bytes, before the chunks that follow the image
// (where EXIF and XMP are written): overwriting keeps that length true
// without reading the file twice or holding it. Nothing after the length
// the header gives is copied. The image data is copied as it is; the EXIF
// orientation is not kept, as the WebP specification has viewers ignore it.
//
// A file that is not a WebP file as far as its chunks go returns
// ErrNotWebP, whatever was written: a wrong header, a chunk that runs past
// the end the header gives or is cut short, a header chunk (VP8X) of the
// wrong size, or no image data.
//
// It streams: chunks are copied through a 32 KB buffer as they are read.
func WebP(dst io.Writer, src io.Reader) error {
	c := webpCopier{r: bufio.NewReaderSize(src, 64<<10), w: bufio.NewWriterSize(dst, 64<<10)}
	h := c.head[:12]
	if _, err := io.ReadFull(c.r, h); err != nil || string(h[:4]) != "RIFF" || string(h[8:12]) != "WEBP" {
		return ErrNotWebP
	}
	size := int64(binary.LittleEndian.Uint32(h[4:8]))
	if size < 4 {
		return ErrNotWebP
	}
	c.w.Write(h)
	image, err := c.chunks(size-4, webpKept)
	if err != nil {
		return err
	}
	if !image {
		return ErrNotWebP
	}
	return c.w.Flush() // what follows the length the header gives is not copied
}

// webpCopier reads a WebP file's chunks and writes them, the metadata
// overwritten.
type webpCopier struct {
	r    *bufio.Reader
	w    *bufio.Writer
	head [16]byte
	buf  [32 << 10]byte
}

// chunks copies the chunks of the next n bytes — a file's, or a frame's
// after its header — keeping those of kept, and reports whether they hold
// image data.
func (c *webpCopier) chunks(n int64, kept map[string]bool) (image bool, err error) {
	for n > 0 {
		h := c.head[:8]
		if n < 8 {
			return false, ErrNotWebP
		}
		if _, err := io.ReadFull(c.r, h); err != nil {
			return false, ErrNotWebP
		}
		fourcc, length := string(h[:4]), int64(binary.LittleEndian.Uint32(h[4:8]))
		padded := length + length&1
		if padded > n-8 {
			return false, ErrNotWebP
		}
		n -= 8 + padded
		switch {
		case !kept[fourcc]:
			copy(h[:4], "JUNK")
			c.w.Write(h)
			err = c.copy(padded, true)
		case fourcc == "VP8X":
			err = c.header(length)
		case fourcc == "ANMF":
			var frame bool
			frame, err = c.frame(length)
			image = image || frame
		default:
			c.w.Write(h)
			err = c.copy(padded, false)
			image = image || fourcc == "VP8 " || fourcc == "VP8L"
		}
		if err != nil {
			return false, err
		}
	}
	return image, nil
}

// header copies the VP8X chunk, whose length and type c.head holds, with
// its EXIF and XMP flags cleared.
func (c *webpCopier) header(length int64) error {
	if length != 10 {
		return ErrNotWebP
	}
	c.w.Write(c.head[:8])
	p := c.buf[:10]
	if _, err := io.ReadFull(c.r, p); err != nil {
		return ErrNotWebP
	}
	p[0] &^= vp8xEXIF | vp8xXMP
	c.w.Write(p)
	return nil
}

// frame copies an animation's frame (ANMF), whose length and type c.head
// holds: its 16-byte header, then its chunks (webpFrameKept).
func (c *webpCopier) frame(length int64) (bool, error) {
	if length < 16 {
		return false, ErrNotWebP
	}
	c.w.Write(c.head[:8])
	if err := c.copy(16, false); err != nil {
		return false, err
	}
	image, err := c.chunks(length-16, webpFrameKept)
	if err != nil {
		return false, err
	}
	return image, c.copy(length&1, false)
}

// copy copies the next n bytes, or writes n zeros in their place.
func (c *webpCopier) copy(n int64, zero bool) error {
	for n > 0 {
		b := c.buf[:min(n, int64(len(c.buf)))]
		if _, err := io.ReadFull(c.r, b); err != nil {
			return ErrNotWebP
		}
		if zero {
			clear(b)
		}
		c.w.Write(b)
		n -= int64(len(b))
	}
	return nil
}
