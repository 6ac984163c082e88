package strip

import (
	"bufio"
	"io"
)

// ErrNotGIF is returned by GIF for input that is not a GIF file it can
// read block by block to its last image.
var ErrNotGIF error = FormatError("GIF")

// GIF block introducers and extension labels.
const (
	gifExtension   = 0x21
	gifImage       = 0x2C
	gifTrailer     = 0x3B
	gifPlainText   = 0x01
	gifControl     = 0xF9
	gifApplication = 0xFF
)

// gifLoops are the application extensions GIF copies: the loop count of an
// animation, as Netscape and as AnimExts wrote it.
var gifLoops = map[string]bool{"NETSCAPE2.0": true, "ANIMEXTS1.0": true}

// GIF copies a GIF file from src to dst without its metadata: comment and
// plain text extensions (text that no browser draws), unknown extensions,
// and application extensions other than an animation's loop count
// (NETSCAPE2.0, ANIMEXTS1.0) — XMP ("XMP DataXMP"), colour profiles, an
// editor's data — are left out, and so is whatever follows the trailer.
// The screen descriptor, colour tables, graphic control extensions and the
// images are copied as they are. A file that ends
// after an image without its trailer (as some encoders write it) gets one.
//
// A file that is not a GIF file as far as its blocks go returns ErrNotGIF:
// a wrong signature, an unknown block, no image, or a block cut short.
//
// It streams: blocks are copied as they are read, 255 bytes at most at a
// time.
func GIF(dst io.Writer, src io.Reader) error {
	r, w, release := jpegBuffers(src, dst)
	defer release()
	var head [13]byte // the signature and the logical screen descriptor
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return ErrNotGIF
	}
	if sig := string(head[:6]); sig != "GIF87a" && sig != "GIF89a" {
		return ErrNotGIF
	}
	w.Write(head[:])
	if err := gifTable(w, r, head[10]); err != nil {
		return err
	}
	images := 0
	for {
		b, err := r.ReadByte()
		if err == io.EOF && images > 0 {
			w.WriteByte(gifTrailer)
			return w.Flush()
		}
		if err != nil {
			return ErrNotGIF
		}
		switch b {
		case gifTrailer:
			if images == 0 {
				return ErrNotGIF
			}
			w.WriteByte(gifTrailer)
			return w.Flush() // what follows the trailer is not copied
		case gifImage:
			err = gifFrame(w, r)
			images++
		case gifExtension:
			err = gifExtensionBlock(w, r)
		default:
			return ErrNotGIF
		}
		if err != nil {
			return err
		}
	}
}

// gifTable copies the colour table that a descriptor's packed byte
// announces.
func gifTable(w *bufio.Writer, r *bufio.Reader, packed byte) error {
	if packed&0x80 == 0 {
		return nil
	}
	table, err := r.Peek(3 << (packed&7 + 1)) // 768 bytes at most
	if err != nil {
		return ErrNotGIF
	}
	w.Write(table)
	r.Discard(len(table))
	return nil
}

// gifFrame copies an image: its descriptor, colour table, code size and
// data.
func gifFrame(w *bufio.Writer, r *bufio.Reader) error {
	d, err := r.Peek(9) // the descriptor after its introducer
	if err != nil {
		return ErrNotGIF
	}
	packed := d[8]
	w.WriteByte(gifImage)
	w.Write(d)
	r.Discard(9)
	if err := gifTable(w, r, packed); err != nil {
		return err
	}
	size, err := r.ReadByte()
	if err != nil {
		return ErrNotGIF
	}
	w.WriteByte(size)
	return gifSubBlocks(w, r, false)
}

// gifExtensionBlock copies an extension, whose introducer was read, or
// reads past it when it is metadata.
func gifExtensionBlock(w *bufio.Writer, r *bufio.Reader) error {
	label, err := r.ReadByte()
	if err != nil {
		return ErrNotGIF
	}
	switch label {
	case gifControl:
		w.WriteByte(gifExtension)
		w.WriteByte(label)
		return gifSubBlocks(w, r, false)
	case gifPlainText:
		// Text to draw over the picture, which no browser draws: a
		// comment by another name. Its first block is the 13 bytes of its
		// header whatever its size byte says, as image/gif reads it.
		if _, err := r.Discard(13); err != nil {
			return ErrNotGIF
		}
	case gifApplication:
		id, err := r.Peek(12)
		if err == nil && id[0] == 11 && gifLoops[string(id[1:12])] {
			w.WriteByte(gifExtension)
			w.WriteByte(label)
			return gifSubBlocks(w, r, false)
		}
		// Its first block is its identifier, of the size its first byte
		// says, as image/gif reads it: an identifier of size 0 does not
		// end the extension, the sub-blocks after it do.
		n, err := r.ReadByte()
		if err != nil {
			return ErrNotGIF
		}
		if _, err := r.Discard(int(n)); err != nil {
			return ErrNotGIF
		}
	}
	return gifSubBlocks(w, r, true)
}

// gifSubBlocks copies, or reads past, data sub-blocks up to the empty one
// that ends them.
func gifSubBlocks(w *bufio.Writer, r *bufio.Reader, skip bool) error {
	for {
		n, err := r.ReadByte()
		if err != nil {
			return ErrNotGIF
		}
		if !skip {
			w.WriteByte(n)
		}
		if n == 0 {
			return nil
		}
		b, err := r.Peek(int(n))
		if err != nil {
			return ErrNotGIF
		}
		if !skip {
			w.Write(b)
		}
		r.Discard(int(n))
	}
}
