package strip

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"slices"
)

// ErrNotHEIF is returned by HEIF, and ErrNotMP4 by MP4, for input that is
// not an ISO base media file they can read box by box to its end, or whose
// metadata they cannot remove without rewriting offsets (see HEIF and MP4).
var (
	ErrNotHEIF error = FormatError("HEIF")
	ErrNotMP4  error = FormatError("MP4")
)

// HEIF copies a HEIF photo (HEIC, as iPhones take them; AVIF) from src to
// dst without its metadata: the bytes of the items of its meta box that
// are Exif (GPS position, time, camera, owner), XMP or other MIME items,
// or URIs are overwritten where the item's locations (iloc) place them —
// an Exif item becomes an empty Exif block, an XMP item an empty XMP
// packet, the others zeros — so that every offset of the file stays true; a user description property (udes)
// becomes padding (free). The image items, their properties and the
// pictures' data are copied as they are (the orientation is a property,
// irot, and stays). Everything else in the file is treated as MP4 treats
// it, so that an image sequence loses its movie's metadata too.
//
// A file whose metadata cannot be overwritten where it lies returns
// ErrNotHEIF: a metadata item placed before the meta box (already copied
// when the box is read), elsewhere than in media data (mdat) or the meta
// box's idat, in another file, built from other items, running to the end
// of the file, or past it; a meta box over 16 MB.
//
// It streams: only the meta box (the item table, a few kilobytes for a
// phone's photo) is held in memory, and the pictures' data is copied
// through a 32 KB buffer.
func HEIF(dst io.Writer, src io.Reader) error {
	return isoStrip(dst, src, ErrNotHEIF)
}

// MP4 copies an ISO base media or QuickTime file (MP4, MOV, 3GP, M4A)
// from src to dst without its metadata, never moving a byte, so that the
// chunk offsets of its tracks stay true and a video of any size streams
// through: every box that is not among those that play the file becomes
// padding (a free box of the same size holding zeros) — the user data
// (udta: Android's GPS position ©xyz, 3GP's location loci, the camera's
// make and model, titles and comments), the metadata boxes (meta: Apple's
// mdta keys com.apple.quicktime.location.ISO6709, make, model, software
// and creationdate, iTunes' ilst), XMP and every other uuid box, and
// whatever a camera adds that no player needs. The creation and
// modification times of the movie, its tracks and their media (mvhd,
// tkhd, mdhd) become zero. The media data, sample tables and sample
// descriptions are copied as they are.
//
// Metadata a video carries as samples cannot be overwritten without the
// sample tables, which phones write after the media data: a track of
// timed metadata is refused, save Apple's (mebx) when its keys name no
// location, and so is a text or subtitle track (where dashcams and drones
// write their GPS log) and any track of a type not known to hold none. A file that is refused, cut short, whose boxes overrun their
// parents, that does not begin with a file type box (ftyp), or whose movie
// box is compressed (cmov), returns ErrNotMP4.
//
// It streams: boxes are copied through a 32 KB buffer as they are read;
// only the few small boxes it changes or reads are held whole.
func MP4(dst io.Writer, src io.Reader) error {
	return isoStrip(dst, src, ErrNotMP4)
}

func isoStrip(dst io.Writer, src io.Reader, fault error) error {
	r, w, release := jpegBuffers(src, dst)
	defer release()
	c := isoCopier{r: r, w: w, fault: fault}
	if err := c.file(); err != nil {
		return err
	}
	return w.Flush()
}

// An isoCopier reads an ISO base media file's boxes and writes them, the
// metadata overwritten.
type isoCopier struct {
	r      *bufio.Reader
	w      *bufio.Writer
	fault  error
	pos    int64   // the offset in the file of the next byte read
	blanks []blank // the metadata items' extents still to overwrite, by offset
	track  string  // the handler of the track being read (mdia's hdlr)
	head   [16]byte
	buf    [32 << 10]byte
}

// writeHeader writes a box's header as h holds it.
func (c *isoCopier) writeHeader(h boxHeader) {
	n := copy(c.head[:], h.raw[:h.head])
	c.w.Write(c.head[:n])
}

// A blank is an extent of a metadata item: the bytes [off, end) of the
// file, which hold the item's bytes from at on, of its size in all.
type blank struct {
	off, end, at, size int64
	kind               int // itemExif, itemXMP, itemOther
}

// A boxHeader is a box's size and type as the file gives them.
type boxHeader struct {
	typ  string
	size int64 // the whole box's, header included; -1: up to the end of the file
	head int   // the header's length: 8, or 16 with a 64-bit size
	raw  [16]byte
}

// payload is the length of the box's payload.
func (h boxHeader) payload() int64 { return h.size - int64(h.head) }

// maxHeld bounds the boxes isoCopier holds whole to read or change.
const (
	maxMeta = 16 << 20 // a HEIF meta box
	maxHeld = 1 << 20  // a header box (mvhd, tkhd, mdhd), a handler, a sample description
)

// Boxes kept at each level of the file; every other box becomes padding,
// padding included: a free or skip box may hold what an editor freed, or a
// dashcam's log. Containers are read box by box; the others are copied as
// they are.
var (
	isoTop  = set("ftyp", "styp", "mdat", "moov", "moof", "mfra", "sidx", "ssix", "prft", "meta")
	isoKept = map[string]map[string]bool{
		"moov": set("mvhd", "trak", "mvex", "iods", "pssh"),
		"trak": set("tkhd", "tref", "edts", "mdia", "trgr", "tapt", "load", "clip", "matt", "imap", "txas"),
		"edts": set("elst"),
		"mdia": set("mdhd", "hdlr", "minf", "elng"),
		"minf": set("vmhd", "smhd", "hmhd", "nmhd", "sthd", "gmhd", "dinf", "stbl", "hdlr"),
		"dinf": set("dref"),
		"stbl": set("stsd", "stts", "ctts", "cslg", "stss", "stps", "sdtp", "stsc", "stsz", "stz2", "stco", "co64",
			"stsh", "padb", "sbgp", "sgpd", "subs", "saiz", "saio"),
		"mvex": set("mehd", "trex", "leva", "trep"),
		"moof": set("mfhd", "traf"),
		"traf": set("tfhd", "trun", "tfdt", "sbgp", "sgpd", "subs", "saiz", "saio", "senc"),
	}
	// isoTimes are the boxes whose creation and modification times are
	// zeroed.
	isoTimes = set("mvhd", "tkhd", "mdhd")
	// isoHandlers are the track handlers of media whose samples hold no
	// metadata: video, sound, time codes, hints, MPEG-4's object and scene
	// descriptions, and pictures (a HEIF sequence's), or Apple's timed
	// metadata when its keys allow (sampleEntries). Text and subtitle
	// tracks are not among them: dashcams and drones write their GPS log
	// as subtitles.
	isoHandlers = set("vide", "soun", "tmcd", "hint", "odsm", "sdsm", "pict", "auxv", "meta")
)

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// file copies the file's boxes to its end.
func (c *isoCopier) file() error {
	for first := true; ; first = false {
		h, err := c.header(-1)
		if err == io.EOF && !first {
			return c.done()
		}
		if err == io.EOF {
			return c.fault
		}
		if err != nil {
			return err
		}
		end := c.pos + h.payload()
		if h.size < 0 {
			end = math.MaxInt64
		}
		switch {
		case first && h.typ != "ftyp":
			return c.fault
		case h.typ != "mdat" && c.blanked(c.pos, end):
			return c.fault // a metadata item outside the media data
		case h.typ == "meta":
			err = c.meta(h)
		case (h.typ == "moov" || h.typ == "moof") && h.size < 0:
			return c.fault // a container up to the end of the file: not one it reads
		case h.typ == "moov" || h.typ == "moof":
			c.writeHeader(h)
			err = c.children(h.typ, h.payload())
		case isoTop[h.typ]:
			c.writeHeader(h)
			err = c.pass(h.payload(), false)
		default:
			err = c.free(h)
		}
		if err != nil {
			return err
		}
		if h.size < 0 {
			return c.done()
		}
	}
}

// done checks, at the end of the file, that every metadata item was
// overwritten.
func (c *isoCopier) done() error {
	if len(c.blanks) > 0 {
		return c.fault
	}
	return nil
}

// children copies the n bytes of boxes within a container of type parent.
func (c *isoCopier) children(parent string, n int64) error {
	for n > 0 {
		h, err := c.header(n)
		if err != nil {
			return err
		}
		n -= h.size
		switch {
		case parent == "moov" && h.typ == "cmov":
			return c.fault // a compressed movie box: what it holds cannot be read
		case !isoKept[parent][h.typ]:
			err = c.free(h)
		case isoKept[h.typ] != nil:
			if h.typ == "trak" {
				c.track = ""
			}
			c.writeHeader(h)
			err = c.children(h.typ, h.payload())
		case isoTimes[h.typ]:
			err = c.times(h)
		case h.typ == "hdlr" && parent == "mdia":
			err = c.handler(h)
		case h.typ == "stsd":
			err = c.sampleEntries(h)
		case h.typ == "dref":
			err = c.references(h)
		default:
			c.writeHeader(h)
			err = c.pass(h.payload(), false)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// header reads a box's header; within a parent, n is what is left of the
// parent's payload (-1 at the top of the file, where a box may run to its
// end). It returns io.EOF at the end of the file before a box.
func (c *isoCopier) header(n int64) (boxHeader, error) {
	var h boxHeader
	if _, err := io.ReadFull(c.r, h.raw[:8]); err != nil {
		if err == io.EOF && n < 0 {
			return h, io.EOF
		}
		return h, c.fault
	}
	h.head, h.typ = 8, string(h.raw[4:8])
	h.size = int64(binary.BigEndian.Uint32(h.raw[:4]))
	switch h.size {
	case 1:
		if _, err := io.ReadFull(c.r, h.raw[8:16]); err != nil {
			return h, c.fault
		}
		large := binary.BigEndian.Uint64(h.raw[8:16])
		if large > math.MaxInt64 {
			return h, c.fault // no stream is that long; negative as int64
		}
		h.head, h.size = 16, int64(large)
	case 0:
		if n >= 0 {
			return h, c.fault
		}
		h.size = -1
	}
	if h.size >= 0 && (h.size < int64(h.head) || n >= 0 && h.size > n) {
		return h, c.fault
	}
	if c.blanked(c.pos, c.pos+int64(h.head)) {
		return h, c.fault // a metadata item over a box's header
	}
	c.pos += int64(h.head)
	return h, nil
}

// payload returns the payload of a box of h.typ, read whole.
func (c *isoCopier) payload(h boxHeader, limit int64) ([]byte, error) {
	if h.size < 0 || h.payload() > limit {
		return nil, c.fault
	}
	p := make([]byte, h.payload())
	if _, err := io.ReadFull(c.r, p); err != nil {
		return nil, c.fault
	}
	return p, nil
}

// emit writes p, the bytes of the file from c.pos on as they are to be
// copied, overwriting those of metadata items.
func (c *isoCopier) emit(p []byte) {
	end := c.pos + int64(len(p))
	ended := false
	for _, b := range c.blanks {
		if b.off >= end {
			break // blanks are by offset
		}
		if from, to := max(b.off, c.pos), min(b.end, end); from < to {
			fillBlank(p[from-c.pos:to-c.pos], b.at+from-b.off, b.size, b.kind)
		}
		ended = ended || b.end <= end
	}
	if ended {
		c.blanks = slices.DeleteFunc(c.blanks, func(b blank) bool { return b.end <= end })
	}
	c.w.Write(p)
	c.pos = end
}

// blanked reports whether a metadata item's extent overlaps [from, to).
func (c *isoCopier) blanked(from, to int64) bool {
	for _, b := range c.blanks {
		if b.off < to && from < b.end {
			return true
		}
	}
	return false
}

// pass copies the next n bytes (all of the file when n < 0), or zeros in
// their place.
func (c *isoCopier) pass(n int64, zero bool) error {
	for n != 0 {
		b := c.buf[:]
		if n > 0 {
			b = b[:min(n, int64(len(b)))]
		}
		k, err := io.ReadFull(c.r, b)
		if n < 0 && (err == io.EOF || err == io.ErrUnexpectedEOF) {
			b, n, err = b[:k], int64(k), nil
		}
		if err != nil {
			return c.fault
		}
		if zero {
			clear(b)
		}
		c.emit(b)
		n -= int64(len(b))
	}
	return nil
}

// free writes a box as padding of the same size: a free box holding zeros.
func (c *isoCopier) free(h boxHeader) error {
	if h.size < 0 {
		return c.fault // its size is the file's: unknown until its end
	}
	copy(h.raw[4:8], "free")
	c.writeHeader(h)
	return c.pass(h.payload(), true)
}

// times copies a movie, track or media header with its creation and
// modification times zeroed.
func (c *isoCopier) times(h boxHeader) error {
	p, err := c.payload(h, maxHeld)
	if err != nil {
		return err
	}
	width := 4
	if len(p) > 0 && p[0] == 1 {
		width = 8
	}
	if len(p) < 4+2*width {
		return c.fault
	}
	clear(p[4 : 4+2*width])
	c.writeHeader(h)
	c.emit(p)
	return nil
}

// handler copies a media handler box (hdlr) and notes the track's type: a
// track of a type whose samples may hold metadata is refused.
func (c *isoCopier) handler(h boxHeader) error {
	p, err := c.payload(h, maxHeld)
	if err != nil {
		return err
	}
	if len(p) < 12 || !isoHandlers[string(p[8:12])] {
		return c.fault
	}
	c.track = string(p[8:12])
	c.writeHeader(h)
	c.emit(p)
	return nil
}

// sampleEntries copies a sample description box (stsd), which must follow
// its track's handler; a timed metadata track's must describe Apple's
// metadata (mebx) under keys that name no location.
func (c *isoCopier) sampleEntries(h boxHeader) error {
	if c.track == "" {
		return c.fault // a track whose type is not known before its samples'
	}
	if c.track != "meta" {
		c.writeHeader(h)
		return c.pass(h.payload(), false)
	}
	p, err := c.payload(h, maxHeld)
	if err != nil {
		return err
	}
	if len(p) < 16 || string(p[12:16]) != "mebx" {
		return c.fault
	}
	lower := bytes.ToLower(p)
	for _, word := range []string{"location", "iso6709", "gps"} {
		if bytes.Contains(lower, []byte(word)) {
			return c.fault
		}
	}
	c.writeHeader(h)
	c.emit(p)
	return nil
}

// references copies a data reference box (dref) whose entries all say
// that the media data is in this file: an entry that points to another
// file (a QuickTime alias holds its path, and so the owner's user name) is
// refused.
func (c *isoCopier) references(h boxHeader) error {
	p, err := c.payload(h, maxHeld)
	if err != nil {
		return err
	}
	if len(p) < 8 {
		return c.fault
	}
	err = eachBox(p, 8, func(_ string, _, _ int, b []byte) error {
		if len(b) != 4 || b[3]&1 == 0 { // version and flags alone, "self-contained"
			return c.fault
		}
		return nil
	})
	if err != nil {
		return c.fault
	}
	c.writeHeader(h)
	c.emit(p)
	return nil
}

// meta copies a meta box at the top of the file: a HEIF file's item table
// (handler pict), its metadata items overwritten; any other (a QuickTime
// file's keys, iTunes' tags) becomes padding.
func (c *isoCopier) meta(h boxHeader) error {
	if !c.pictures(h) {
		return c.free(h)
	}
	p, err := c.payload(h, maxMeta)
	if err != nil {
		return err
	}
	items, err := heifItems(p, c.pos, c.pos+int64(len(p)))
	if err != nil {
		return c.fault
	}
	blanks, ok := mergeBlanks(c.blanks, items)
	if !ok || len(blanks) > maxBlanks {
		return c.fault
	}
	c.blanks = blanks
	c.writeHeader(h)
	c.emit(p)
	return nil
}

// pictures reports whether a meta box's first box is a handler of type
// pict: a HEIF file's item table.
func (c *isoCopier) pictures(h boxHeader) bool {
	if h.size >= 0 && h.payload() < 4+8+12 {
		return false
	}
	p, err := c.r.Peek(4 + 8 + 12)
	return err == nil && string(p[8:12]) == "hdlr" && string(p[20:24]) == "pict"
}
