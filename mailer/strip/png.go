package strip

import (
	"bufio"
	"encoding/binary"
	"hash/crc32"
	"io"
)

// ErrNotPNG is returned by PNG for input that is not a PNG file it can
// read chunk by chunk to its end.
var ErrNotPNG error = FormatError("PNG")

const pngSignature = "\x89PNG\r\n\x1a\n"

// pngKept are the chunks PNG copies: those that say how to show the
// picture. The others are left out: eXIf (Exif, with its GPS position and
// owner), tEXt, zTXt and iTXt (XMP, comments, author, software, the
// capture's place), tIME, and every chunk a program adds for itself.
var pngKept = map[string]bool{
	"IHDR": true, "PLTE": true, "IDAT": true, "IEND": true, // the image
	"tRNS": true, "gAMA": true, "cHRM": true, "sRGB": true, "iCCP": true, "sBIT": true, // colours and transparency
	"cICP": true, "mDCV": true, "cLLI": true, // HDR colour space and levels (PNG third edition)
	"bKGD": true, "pHYs": true, // background, pixel size
	"acTL": true, "fcTL": true, "fdAT": true, // the frames of an animated PNG
}

// PNG copies a PNG file from src to dst without the metadata that can say
// where a photo was taken or by whom: only the chunks of pngKept are
// copied, in their order, and nothing after the end of the image (IEND).
// The Exif orientation is the one tag kept, as for JPEG: an eXIf chunk
// before the image data (where viewers read it) is replaced by one that
// holds the orientation alone, or left out when it has none.
//
// A file that is not a PNG as far as its chunks go returns ErrNotPNG,
// whatever was written: a wrong signature, a chunk's CRC that does not
// match (ancillary chunks' too: a viewer may read them), a length over
// 2³¹−1, a chunk out of place (pngMisplaced), or no end (a truncated
// file). The image data itself is copied as it is, not decoded.
//
// It streams: each chunk is copied through a 32 KB buffer as it is read,
// and only the first 64 KB of an eXIf chunk are held, for the orientation.
func PNG(dst io.Writer, src io.Reader) error {
	c := pngCopier{r: bufio.NewReaderSize(src, 64<<10), w: bufio.NewWriterSize(dst, 64<<10)}
	var sig [len(pngSignature)]byte
	if _, err := io.ReadFull(c.r, sig[:]); err != nil || string(sig[:]) != pngSignature {
		return ErrNotPNG
	}
	c.w.Write(sig[:])
	var header, data bool // IHDR, IDAT seen
	for {
		h := c.head[:]
		if _, err := io.ReadFull(c.r, h); err != nil {
			return ErrNotPNG
		}
		length, typ := binary.BigEndian.Uint32(h[:4]), string(h[4:8])
		if length > 1<<31-1 || pngMisplaced(typ, length, header, data) {
			return ErrNotPNG
		}
		var err error
		switch {
		case typ == "eXIf" && header && !data:
			err = c.orientation(length)
		case pngKept[typ] && header || typ == "IHDR":
			err = c.chunk(c.w, length)
		default:
			err = c.chunk(nil, length)
		}
		if err != nil {
			return err
		}
		header = header || typ == "IHDR"
		data = data || typ == "IDAT"
		if typ == "IEND" {
			return c.w.Flush() // what follows the image is not copied
		}
	}
}

// pngMisplaced reports whether a chunk of the image cannot stand where it
// is: a second header, a palette or image data before the header, an end
// before the image data or with a payload. Other chunks before the header
// are left out, as decoders ignore them.
func pngMisplaced(typ string, length uint32, header, data bool) bool {
	switch typ {
	case "IHDR":
		return header
	case "PLTE", "IDAT":
		return !header
	case "IEND":
		return !data || length != 0
	}
	return false
}

// pngCopier reads a PNG file's chunks and writes those it keeps.
type pngCopier struct {
	r    *bufio.Reader
	w    *bufio.Writer
	head [8]byte // the length and type of the chunk being read
	sum  [4]byte // its CRC
	buf  [32 << 10]byte
}

// chunk reads the payload and CRC of the chunk whose length and type were
// read into c.head and checks the CRC; it copies the whole chunk to w
// unless w is nil.
func (c *pngCopier) chunk(w *bufio.Writer, length uint32) error {
	if w != nil {
		w.Write(c.head[:])
	}
	return c.rest(w, crc32.ChecksumIEEE(c.head[4:]), int64(length))
}

// rest reads the last n bytes of a chunk's payload, copying them to w
// unless w is nil, then its CRC, which must be that of crc updated with
// them.
func (c *pngCopier) rest(w *bufio.Writer, crc uint32, n int64) error {
	for n > 0 {
		b := c.buf[:min(n, int64(len(c.buf)))]
		if _, err := io.ReadFull(c.r, b); err != nil {
			return ErrNotPNG
		}
		crc = crc32.Update(crc, crc32.IEEETable, b)
		if w != nil {
			w.Write(b)
		}
		n -= int64(len(b))
	}
	if _, err := io.ReadFull(c.r, c.sum[:]); err != nil || binary.BigEndian.Uint32(c.sum[:]) != crc {
		return ErrNotPNG
	}
	if w != nil {
		w.Write(c.sum[:])
	}
	return nil
}

// orientation reads an eXIf chunk of length bytes and writes in its place
// one that holds its orientation alone, when it has one.
func (c *pngCopier) orientation(length uint32) error {
	head := make([]byte, min(length, 64<<10))
	if _, err := io.ReadFull(c.r, head); err != nil {
		return ErrNotPNG
	}
	crc := crc32.Update(crc32.ChecksumIEEE([]byte("eXIf")), crc32.IEEETable, head)
	if err := c.rest(nil, crc, int64(length)-int64(len(head))); err != nil {
		return err
	}
	if o := tiffOrientation(head); o > 1 {
		writeChunk(c.w, "eXIf", orientationTIFF(o))
	}
	return nil
}

// writeChunk writes a chunk with its length and CRC.
func writeChunk(w *bufio.Writer, typ string, payload []byte) {
	binary.Write(w, binary.BigEndian, uint32(len(payload)))
	w.WriteString(typ)
	w.Write(payload)
	crc := crc32.Update(crc32.ChecksumIEEE([]byte(typ)), crc32.IEEETable, payload)
	binary.Write(w, binary.BigEndian, crc)
}
