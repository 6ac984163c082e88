package strip

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"slices"
)

// errItems is heifItems' answer to an item table it cannot read, or whose
// metadata items cannot be overwritten where they lie.
var errItems = errors.New("heif: unreadable item table")

// What a metadata item's bytes become, by its kind: an empty block of its
// format when the item is long enough to hold one, else zeros.
const (
	itemOther = iota + 1 // a MIME item of another type, a URI: zeros
	itemExif             // emptyExif, then zeros
	itemXMP              // emptyXMP, then spaces
)

// emptyExif is an empty Exif block: the offset of the TIFF header, the
// "Exif\0\0" that Apple and libheif write before it, and a big-endian TIFF
// header whose first directory has no entry. Readers find an Exif block,
// empty, rather than one they cannot read.
var emptyExif = []byte("\x00\x00\x00\x06Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00")

// emptyXMP is an empty XMP packet; the spaces after it are the padding XMP
// allows.
var emptyXMP = []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"/>`)

// maxBlanks bounds the extents of metadata items a file may have.
const maxBlanks = 1024

// fillBlank writes into p the bytes that a blanked item of a kind and a
// size holds from its byte at on.
func fillBlank(p []byte, at, size int64, kind int) {
	var empty []byte
	pad := byte(0)
	switch kind {
	case itemExif:
		empty = emptyExif
	case itemXMP:
		empty, pad = emptyXMP, ' '
	}
	if size < int64(len(empty)) {
		empty, pad = nil, 0
	}
	for i := range p {
		p[i] = pad
	}
	if at < int64(len(empty)) {
		copy(p, empty[at:])
	}
}

// heifItems reads the payload p of a HEIF file's meta box (its version
// and flags first), which the file holds at [start, end), and returns the
// extents of its metadata items (Exif, MIME — XMP —, URI) by their offset
// in the file, in order. An extent must lie after the box (in the media
// data), or within the box's idat. p's user description properties (udes)
// become padding.
func heifItems(p []byte, start, end int64) ([]blank, error) {
	if len(p) < 4 {
		return nil, errItems
	}
	var iinf, iloc, idat []byte
	idatAt := int64(-1)
	err := eachBox(p, 4, func(typ string, box, payload int, b []byte) error {
		switch typ {
		case "iinf", "iloc":
			if typ == "iinf" && iinf != nil || typ == "iloc" && iloc != nil {
				return errItems // which one would a reader use?
			}
			if typ == "iinf" {
				iinf = b
			} else {
				iloc = b
			}
		case "idat":
			idat, idatAt = b, start+int64(payload)
		case "iprp":
			return eachBox(p[:payload+len(b)], payload, func(typ string, _, payload int, b []byte) error {
				if typ != "ipco" {
					return nil
				}
				return eachBox(p[:payload+len(b)], payload, func(typ string, box, payload int, b []byte) error {
					if typ == "udes" {
						copy(p[box+4:], "free")
						clear(b)
					}
					return nil
				})
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	kinds, err := itemKinds(iinf)
	if err != nil || len(kinds) == 0 || iloc == nil {
		return nil, err
	}
	blanks, err := itemExtents(iloc, kinds, end, idatAt, idatAt+int64(len(idat)))
	if err != nil {
		return nil, err
	}
	slices.SortFunc(blanks, func(a, b blank) int { return cmp.Compare(a.off, b.off) })
	return blanks, nil
}

// eachBox calls fn for each box of p from offset i on, with the offsets in
// p of its header and payload, and its payload.
func eachBox(p []byte, i int, fn func(typ string, box, payload int, b []byte) error) error {
	for i < len(p) {
		if len(p)-i < 8 {
			return errItems
		}
		size, head := uint64(binary.BigEndian.Uint32(p[i:])), 8
		switch size {
		case 0:
			size = uint64(len(p) - i)
		case 1:
			if len(p)-i < 16 {
				return errItems
			}
			size, head = binary.BigEndian.Uint64(p[i+8:]), 16
		}
		if size < uint64(head) || size > uint64(len(p)-i) {
			return errItems
		}
		n := int(size)
		if err := fn(string(p[i+4:i+8]), i, i+head, p[i+head:i+n]); err != nil {
			return err
		}
		i += n
	}
	return nil
}

// itemKinds reads an item information box (iinf) and returns the kinds of
// its metadata items (Exif, XMP, other MIME types, URIs).
func itemKinds(iinf []byte) (map[uint32]int, error) {
	kinds := map[uint32]int{}
	if iinf == nil {
		return kinds, nil
	}
	r := reader{b: iinf}
	version := r.uint(1)
	r.uint(3)
	count := r.uint(2)
	if version != 0 {
		count = r.uint(4)
	}
	if r.bad {
		return nil, errItems
	}
	err := eachBox(iinf, r.i, func(typ string, _, _ int, b []byte) error {
		if typ != "infe" {
			return nil
		}
		if count == 0 {
			return errItems // more entries than the box says
		}
		count--
		e := reader{b: b}
		v := e.uint(1)
		e.uint(3)
		var id uint64
		itemType := "mime" // versions 0 and 1 describe MIME items only
		switch v {
		case 0, 1, 2:
			id = e.uint(2)
		case 3:
			id = e.uint(4)
		default:
			return errItems
		}
		if v >= 2 {
			e.uint(2) // protection
			itemType = string(e.bytes(4))
		}
		if e.bad {
			return errItems
		}
		switch itemType {
		case "Exif":
			kinds[uint32(id)] = itemExif
		case "mime":
			kinds[uint32(id)] = itemOther
			e.cstring() // the item's name
			if e.cstring() == "application/rdf+xml" && e.cstring() == "" {
				kinds[uint32(id)] = itemXMP
			}
		case "uri ":
			kinds[uint32(id)] = itemOther
		}
		return nil
	})
	return kinds, err
}

// itemExtents reads an item location box (iloc) and returns the extents of
// the items of kinds: in the file after end, or in the idat at [idat,
// idatEnd).
func itemExtents(iloc []byte, kinds map[uint32]int, end, idat, idatEnd int64) ([]blank, error) {
	r := reader{b: iloc}
	version := r.uint(1)
	r.uint(3)
	sizes := r.uint(1)
	offsetSize, lengthSize := int(sizes>>4), int(sizes&15)
	sizes = r.uint(1)
	baseSize, indexSize := int(sizes>>4), int(sizes&15)
	if version == 0 {
		indexSize = 0
	}
	var count uint64
	switch version {
	case 0, 1:
		count = r.uint(2)
	case 2:
		count = r.uint(4)
	default:
		return nil, errItems
	}
	for _, s := range []int{offsetSize, lengthSize, baseSize, indexSize} {
		if s != 0 && s != 4 && s != 8 {
			return nil, errItems
		}
	}
	var out []blank
	for ; count > 0 && !r.bad; count-- {
		var id uint64
		if version < 2 {
			id = r.uint(2)
		} else {
			id = r.uint(4)
		}
		method := uint64(0)
		if version >= 1 {
			method = r.uint(2) & 15
		}
		ref := r.uint(2)
		base := r.uint(baseSize)
		extents := r.uint(2)
		kind, blanked := kinds[uint32(id)]
		if blanked && (ref != 0 || method > 1) {
			return nil, errItems // in another file, or made of other items
		}
		at, first := int64(0), len(out)
		for ; extents > 0 && !r.bad; extents-- {
			r.uint(indexSize)
			off, length := r.uint(offsetSize), r.uint(lengthSize)
			if !blanked {
				continue
			}
			if length == 0 || off > 1<<60 || length > 1<<60 || base > 1<<60 {
				return nil, errItems // up to the end of the file, or beyond any file
			}
			b := blank{off: int64(base + off), at: at, kind: kind}
			if method == 1 {
				b.off += idat
			}
			b.end = b.off + int64(length)
			at += int64(length)
			if method == 0 && b.off < end || method == 1 && (idat < 0 || b.end > idatEnd) {
				return nil, errItems
			}
			if out = append(out, b); len(out) > maxBlanks {
				return nil, errItems
			}
		}
		for i := first; i < len(out); i++ {
			out[i].size = at // the item's length: all its extents'
		}
	}
	if r.bad {
		return nil, errItems
	}
	return out, nil
}

// A reader reads big-endian fields of a box; bad is set when one runs
// past its end.
type reader struct {
	b   []byte
	i   int
	bad bool
}

// uint reads an n-byte field (n from 0 to 8).
func (r *reader) uint(n int) uint64 {
	b := r.bytes(n)
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

// cstring reads a null-terminated string; "" at the end of the box.
func (r *reader) cstring() string {
	if r.bad {
		return ""
	}
	rest := r.b[r.i:]
	n := bytes.IndexByte(rest, 0)
	if n < 0 {
		r.i = len(r.b)
		return string(rest)
	}
	r.i += n + 1
	return string(rest[:n])
}

func (r *reader) bytes(n int) []byte {
	if r.bad || len(r.b)-r.i < n {
		r.bad = true
		return nil
	}
	b := r.b[r.i : r.i+n]
	r.i += n
	return b
}

// mergeBlanks adds extents to those by offset, keeping them in order. It
// reports false when two extents overlap other than as the same bytes of
// the same item: each would overwrite the other's part, which no writer's
// file has.
func mergeBlanks(blanks, more []blank) ([]blank, bool) {
	out := append(blanks, more...)
	slices.SortStableFunc(out, func(a, b blank) int { return cmp.Compare(a.off, b.off) })
	for i := 1; i < len(out); i++ {
		if out[i].off < out[i-1].end && out[i] != out[i-1] {
			return out, false
		}
	}
	return out, true
}
