package parse

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"time"
)

// vietnamTime is the zone of a photo whose EXIF has no offset: cameras
// keep local time, and Vietnam has one zone and no daylight saving.
var vietnamTime = time.FixedZone("+07", 7*3600)

// readPhoto reads the capture time and GPS position of a JPEG, HEIC, PNG
// or WebP photo from its first bytes (headBytes of them: the EXIF block
// comes first in JPEG and HEIC, and before the image data in a PNG as
// GIMP, ImageMagick and libpng write it; a WebP's comes after its image,
// within them for a small file only). It returns nil when there is nothing
// to read.
func readPhoto(typ string, head []byte) *Photo {
	var tiff []byte
	switch typ {
	case "image/jpeg":
		tiff = jpegEXIF(head)
	case "image/heic", "image/heif", "image/avif":
		tiff = heifEXIF(head)
	case "image/png":
		tiff = pngEXIF(head)
	case "image/webp":
		tiff = webpEXIF(head)
	}
	if tiff == nil {
		return nil
	}
	return parseEXIF(tiff)
}

// jpegEXIF returns the TIFF block of a JPEG's APP1 Exif segment.
func jpegEXIF(b []byte) []byte {
	if !bytes.HasPrefix(b, []byte{0xFF, 0xD8}) {
		return nil
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return nil
		}
		marker := b[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image
			return nil
		}
		size := int(binary.BigEndian.Uint16(b[i+2:]))
		if size < 2 || i+2+size > len(b) {
			return nil
		}
		seg := b[i+4 : i+2+size]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return seg[6:]
		}
		i += 2 + size
	}
	return nil
}

// pngEXIF returns the TIFF block of a PNG's eXIf chunk when it lies
// within b (without the "Exif\0\0" that some writers put before it).
func pngEXIF(b []byte) []byte {
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		return nil
	}
	for i := 8; i+8 <= len(b); {
		size := int64(binary.BigEndian.Uint32(b[i:]))
		end := int64(i) + 8 + size
		if end > int64(len(b)) {
			return nil
		}
		if string(b[i+4:i+8]) == "eXIf" {
			return bytes.TrimPrefix(b[i+8:end], []byte("Exif\x00\x00"))
		}
		if string(b[i+4:i+8]) == "IEND" {
			return nil
		}
		i = int(end) + 4 // the CRC
	}
	return nil
}

// webpEXIF returns the TIFF block of a WebP's EXIF chunk when it lies
// within b (without the "Exif\0\0" that some writers put before it).
func webpEXIF(b []byte) []byte {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return nil
	}
	for i := 12; i+8 <= len(b); {
		size := int64(binary.LittleEndian.Uint32(b[i+4:]))
		end := int64(i) + 8 + size
		if end > int64(len(b)) {
			return nil
		}
		if string(b[i:i+4]) == "EXIF" {
			return bytes.TrimPrefix(b[i+8:end], []byte("Exif\x00\x00"))
		}
		i = int(end + size&1) // chunks are padded to an even length
	}
	return nil
}

// heifEXIF finds the Exif item of a HEIF file (HEIC, AVIF) through its
// meta box (iinf names the item, iloc places it) and returns its TIFF block
// when it lies within b.
func heifEXIF(b []byte) []byte {
	meta := findBox(b, "meta")
	if len(meta) < 4 {
		return nil
	}
	children := meta[4:] // version and flags
	id, ok := exifItemID(findBox(children, "iinf"))
	if !ok {
		return nil
	}
	off, length, ok := itemLocation(findBox(children, "iloc"), id)
	if !ok || off < 0 || length < 8 || off+length > int64(len(b)) {
		return nil
	}
	item := b[off : off+length]
	skip := int64(binary.BigEndian.Uint32(item))
	if skip > int64(len(item))-4 {
		return nil
	}
	tiff := item[4+skip:]
	if bytes.HasPrefix(tiff, []byte("Exif\x00\x00")) {
		tiff = tiff[6:]
	}
	return tiff
}

// findBox returns the payload of the first box of type typ among the
// boxes in b.
func findBox(b []byte, typ string) []byte {
	for len(b) >= 8 {
		size := int64(binary.BigEndian.Uint32(b))
		header := int64(8)
		if size == 1 {
			if len(b) < 16 {
				return nil
			}
			size, header = int64(binary.BigEndian.Uint64(b[8:])), 16
		} else if size == 0 {
			size = int64(len(b))
		}
		if size < header || size > int64(len(b)) {
			return nil
		}
		if string(b[4:8]) == typ {
			return b[header:size]
		}
		b = b[size:]
	}
	return nil
}

// exifItemID returns the id of the item of type "Exif" in an iinf box.
func exifItemID(iinf []byte) (uint32, bool) {
	if len(iinf) < 6 {
		return 0, false
	}
	entries := iinf[6:]
	if iinf[0] != 0 {
		if len(iinf) < 8 {
			return 0, false
		}
		entries = iinf[8:]
	}
	for len(entries) >= 8 {
		size := int(binary.BigEndian.Uint32(entries))
		if size < 8 || size > len(entries) {
			return 0, false
		}
		if string(entries[4:8]) == "infe" {
			infe := entries[8:size]
			if len(infe) >= 4 && infe[0] >= 2 {
				var id uint32
				rest := infe[4:]
				if infe[0] == 2 && len(rest) >= 8 {
					id, rest = uint32(binary.BigEndian.Uint16(rest)), rest[2:]
				} else if len(rest) >= 10 {
					id, rest = binary.BigEndian.Uint32(rest), rest[4:]
				} else {
					rest = nil
				}
				if len(rest) >= 6 && string(rest[2:6]) == "Exif" {
					return id, true
				}
			}
		}
		entries = entries[size:]
	}
	return 0, false
}

// itemLocation returns the file offset and length of an item's first
// extent from an iloc box (construction method 0, file offsets).
func itemLocation(iloc []byte, id uint32) (int64, int64, bool) {
	r := &fieldReader{b: iloc}
	version := r.uint(1)
	r.uint(3)
	sizes := r.uint(2)
	offSize, lenSize, baseSize, idxSize := int(sizes>>12), int(sizes>>8&15), int(sizes>>4&15), int(sizes&15)
	if version == 0 {
		idxSize = 0
	}
	idSize := 2
	if version == 2 {
		idSize = 4
	}
	count := r.uint(idSize)
	for i := uint64(0); i < count && i < 4096 && !r.bad; i++ {
		itemID := r.uint(idSize)
		method := uint64(0)
		if version >= 1 {
			method = r.uint(2) & 15
		}
		r.uint(2) // data reference index
		base := r.uint(baseSize)
		extents := r.uint(2)
		var off, length uint64
		for e := uint64(0); e < extents && e < 256 && !r.bad; e++ {
			r.uint(idxSize)
			o, l := r.uint(offSize), r.uint(lenSize)
			if e == 0 {
				off, length = o, l
			}
		}
		if uint32(itemID) == id && !r.bad {
			if method != 0 || base+off > math.MaxInt32 || length > math.MaxInt32 {
				return 0, 0, false
			}
			return int64(base + off), int64(length), true
		}
	}
	return 0, 0, false
}

// fieldReader reads big-endian fields of 0 to 8 bytes; past the end it
// sets bad and returns zeros.
type fieldReader struct {
	b   []byte
	bad bool
}

func (r *fieldReader) uint(n int) uint64 {
	if n == 0 {
		return 0
	}
	if n > 8 || n > len(r.b) {
		r.bad = true
		r.b = nil
		return 0
	}
	var v uint64
	for _, c := range r.b[:n] {
		v = v<<8 | uint64(c)
	}
	r.b = r.b[n:]
	return v
}

// EXIF tags read here.
const (
	tagDateTime           = 0x0132
	tagExifIFD            = 0x8769
	tagGPSIFD             = 0x8825
	tagDateTimeOriginal   = 0x9003
	tagOffsetTimeOriginal = 0x9011
	tagGPSLatitudeRef     = 1
	tagGPSLatitude        = 2
	tagGPSLongitudeRef    = 3
	tagGPSLongitude       = 4
)

// maxIFDEntries bounds one IFD: real ones have a few dozen entries.
const maxIFDEntries = 1024

// parseEXIF reads a TIFF block: IFD0, its Exif IFD and its GPS IFD, no
// other links, each entry bounds-checked, so cyclic or lying offsets cost
// nothing. It returns nil when the block holds neither a time nor a
// position.
func parseEXIF(tiff []byte) *Photo {
	t := tiffReader{b: tiff}
	switch {
	case bytes.HasPrefix(tiff, []byte("II*\x00")):
		t.order = binary.LittleEndian
	case bytes.HasPrefix(tiff, []byte("MM\x00*")):
		t.order = binary.BigEndian
	default:
		return nil
	}
	ifd0 := t.ifd(t.u32(4))
	exif := t.ifd(t.pointer(ifd0, tagExifIFD))
	gps := t.ifd(t.pointer(ifd0, tagGPSIFD))
	ph := &Photo{}
	taken := t.ascii(exif[tagDateTimeOriginal])
	if taken == "" {
		taken = t.ascii(ifd0[tagDateTime])
	}
	ph.Taken = exifTime(taken, t.ascii(exif[tagOffsetTimeOriginal]))
	lat, okLat := t.degrees(gps[tagGPSLatitude])
	lon, okLon := t.degrees(gps[tagGPSLongitude])
	if strings.HasPrefix(strings.ToUpper(t.ascii(gps[tagGPSLatitudeRef])), "S") {
		lat = -lat
	}
	if strings.HasPrefix(strings.ToUpper(t.ascii(gps[tagGPSLongitudeRef])), "W") {
		lon = -lon
	}
	if okLat && okLon && math.Abs(lat) <= 90 && math.Abs(lon) <= 180 && (lat != 0 || lon != 0) {
		ph.HasGPS, ph.Lat, ph.Lon = true, lat, lon
	}
	if ph.Taken.IsZero() && !ph.HasGPS {
		return nil
	}
	return ph
}

// exifTime parses "2006:01:02 15:04:05" with an optional "+07:00" offset.
func exifTime(s, offset string) time.Time {
	s = strings.TrimSpace(s)
	loc := vietnamTime
	// Most photos carry no offset: no parse of "", which fails with an
	// error it allocates.
	if offset = strings.TrimSpace(offset); offset != "" {
		if o, err := time.Parse("-07:00", offset); err == nil {
			_, secs := o.Zone()
			loc = time.FixedZone(offset, secs)
		}
	}
	t, err := time.ParseInLocation("2006:01:02 15:04:05", s, loc)
	if err != nil || t.Year() < 1990 || t.Year() > 2200 {
		return time.Time{}
	}
	return t
}

// tiffReader reads a TIFF block with bounds checks everywhere.
type tiffReader struct {
	b     []byte
	order binary.ByteOrder
}

// entry is one IFD entry: type, count and the 4 value-or-offset bytes.
type entry struct {
	typ   uint16
	count uint32
	value []byte
}

func (t tiffReader) u32(off int64) int64 {
	if off < 0 || off+4 > int64(len(t.b)) {
		return -1
	}
	return int64(t.order.Uint32(t.b[off:]))
}

// ifd reads the entries of the IFD at off (none when off is out of
// bounds).
func (t tiffReader) ifd(off int64) map[uint16]entry {
	out := map[uint16]entry{}
	if off < 8 || off+2 > int64(len(t.b)) {
		return out
	}
	n := int64(t.order.Uint16(t.b[off:]))
	for i := int64(0); i < n && i < maxIFDEntries; i++ {
		at := off + 2 + 12*i
		if at+12 > int64(len(t.b)) {
			break
		}
		e := t.b[at : at+12]
		tag := t.order.Uint16(e)
		if _, dup := out[tag]; !dup {
			out[tag] = entry{typ: t.order.Uint16(e[2:]), count: t.order.Uint32(e[4:]), value: e[8:12]}
		}
	}
	return out
}

// pointer returns the offset a LONG (or IFD) entry holds, -1 when none.
func (t tiffReader) pointer(ifd map[uint16]entry, tag uint16) int64 {
	e, ok := ifd[tag]
	if !ok || (e.typ != 4 && e.typ != 13) {
		return -1
	}
	return int64(t.order.Uint32(e.value))
}

// data returns the bytes of an entry of size bytes per item.
func (t tiffReader) data(e entry, size int64) []byte {
	total := int64(e.count) * size
	if e.count == 0 || total > 4096 {
		return nil
	}
	if total <= 4 {
		return e.value[:total]
	}
	off := int64(t.order.Uint32(e.value))
	if off < 0 || off+total > int64(len(t.b)) {
		return nil
	}
	return t.b[off : off+total]
}

// ascii returns an ASCII entry without its NUL.
func (t tiffReader) ascii(e entry) string {
	if e.typ != 2 {
		return ""
	}
	b := t.data(e, 1)
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return strings.ToValidUTF8(string(b), "")
}

// degrees reads three RATIONALs (degrees, minutes, seconds).
func (t tiffReader) degrees(e entry) (float64, bool) {
	if e.typ != 5 || e.count != 3 {
		return 0, false
	}
	b := t.data(e, 8)
	if len(b) != 24 {
		return 0, false
	}
	var v [3]float64
	for i := range v {
		num, den := t.order.Uint32(b[8*i:]), t.order.Uint32(b[8*i+4:])
		if den == 0 {
			if num != 0 {
				return 0, false
			}
			den = 1
		}
		v[i] = float64(num) / float64(den)
	}
	if v[1] >= 60 || v[2] >= 60 {
		return 0, false
	}
	return v[0] + v[1]/60 + v[2]/3600, true
}
