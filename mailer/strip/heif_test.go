package strip

import (
	"bytes"
	"os"
	"testing"
)

// heicItem is an item of a HEIC built by buildHEIC: its type, its data,
// and whether the data sits in the meta box's idat rather than in mdat.
type heicItem struct {
	typ  string
	data []byte
	idat bool
}

// heicLayout says how buildHEIC writes the item locations.
type heicLayout struct {
	ilocVersion byte
	base        bool // a base offset: mdat's start, extents relative to it
	split       bool // each item in two extents
	udes        bool // a user description property
}

// buildHEIC builds a HEIC in the shape an iPhone writes it (iOS 15 to 17,
// as heif-info, exiftool and IO_HEIF list real ones): brands heic, mif1,
// MiHE, MiPr, miaf, MiHB; a meta box whose handler (pict) comes first,
// then the primary item, item locations (iloc, 32-bit offsets and
// lengths), item information (iinf version 0, infe version 2), references
// and properties, and the grid's 8 bytes in idat; then mdat, where the
// thumbnail comes first, then the Exif item, then the tiles.
func buildHEIC(items []heicItem, l heicLayout) []byte {
	ftyp := isoBox("ftyp", []byte("heic"), be32(0), []byte("mif1MiHEMiPrmiafMiHBheic"))
	var infes, idat, mdat [][]byte
	for i, it := range items {
		infe := fullBox("infe", 2, be16(i+1), be16(0), []byte(it.typ), []byte{0})
		if it.typ == "mime" {
			infe = fullBox("infe", 2, be16(i+1), be16(0), []byte("mime"), []byte{0}, []byte("application/rdf+xml\x00"))
		}
		infes = append(infes, infe)
		if it.idat {
			idat = append(idat, it.data)
		} else {
			mdat = append(mdat, it.data)
		}
	}
	iinf := fullBox("iinf", 0, append([][]byte{be16(len(items))}, infes...)...)
	grid := len(items) // the grid's id, referencing the tiles
	iref := fullBox("iref", 0, isoBox("dimg", be16(grid), be16(1), be16(1)))
	var props []byte
	if l.udes {
		props = fullBox("udes", 0, []byte("vi\x00Nguyễn Văn An\x00Ảnh của tôi\x00\x00"))
	}
	iprp := isoBox("iprp", isoBox("ipco", isoBox("ispe", be32(0), be32(64), be32(48)), props),
		fullBox("ipma", 0, be32(1), be16(grid), []byte{1, 0x81}))
	iloc := func(mdatAt int) []byte {
		sizes := []byte{0x44, 0}
		if l.base {
			sizes[1] = 0x40
		}
		body := [][]byte{sizes}
		if l.ilocVersion == 2 {
			body = append(body, be32(len(items)))
		} else {
			body = append(body, be16(len(items)))
		}
		mdatOff, idatOff := mdatAt, 0
		for i, it := range items {
			if l.ilocVersion == 2 {
				body = append(body, be32(i+1))
			} else {
				body = append(body, be16(i+1))
			}
			method := 0
			if it.idat {
				method = 1
			}
			if l.ilocVersion > 0 {
				body = append(body, be16(method))
			}
			body = append(body, be16(0)) // this file
			at := &mdatOff
			if it.idat {
				at = &idatOff
			}
			off := *at
			if l.base {
				body = append(body, be32(off))
				off = 0
			}
			if l.split && len(it.data) > 1 {
				half := len(it.data) / 2
				body = append(body, be16(2), be32(off), be32(half), be32(off+half), be32(len(it.data)-half))
			} else {
				body = append(body, be16(1), be32(off), be32(len(it.data)))
			}
			*at += len(it.data)
		}
		return fullBox("iloc", l.ilocVersion, body...)
	}
	meta := func(mdatAt int) []byte {
		return fullBox("meta", 0, fullBox("hdlr", 0, be32(0), []byte("pict"), make([]byte, 12), []byte{0}),
			fullBox("pitm", 0, be16(grid)), iloc(mdatAt), iinf, iref, iprp, isoBox("idat", idat...))
	}
	at := len(ftyp) + len(meta(0)) + 8
	return bytes.Join([][]byte{ftyp, meta(at), isoBox("mdat", mdat...)}, nil)
}

// iphoneItems are the items of an iPhone's HEIC: the thumbnail, the Exif
// block (exif), the XMP of the HDR gain map, two tiles and their grid.
func iphoneItems(exif []byte) []heicItem {
	return []heicItem{
		{typ: "hvc1", data: bytes.Repeat([]byte{0x26}, 300)},
		{typ: "Exif", data: exif},
		{typ: "mime", data: []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description HDRGainMap:HDRGainMapVersion="65536" dc:creator="Nguyen Van An"/></rdf:RDF></x:xmpmeta>`)},
		{typ: "hvc1", data: bytes.Repeat([]byte{0x27}, 500)},
		{typ: "hvc1", data: bytes.Repeat([]byte{0x28}, 500)},
		{typ: "grid", data: []byte{0, 0, 0, 63, 0, 47, 0, 0}, idat: true},
	}
}

// appleExif is an Exif item as Apple writes it: the offset of the TIFF
// header (6), "Exif\0\0", and the TIFF block of testdata/gps.jpg (GPS
// position, capture time).
func appleExif(t testing.TB) []byte {
	jpg, err := os.ReadFile("testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte("\x00\x00\x00\x06Exif\x00\x00"), jpegTIFF(t, jpg)...)
}

// TestStripHEICSample strips a HEIC that libheif's heif-enc wrote and
// exiftool gave an Exif item (GPS position, camera, owner, capture time)
// and an XMP item: the two items' bytes, where the item locations place
// them, become an empty Exif block and zeros; nothing else changes.
func TestStripHEICSample(t *testing.T) {
	in, err := os.ReadFile("testdata/iso/gps.heic")
	if err != nil {
		t.Fatal(err)
	}
	out := stripWith(t, func(w *bytes.Buffer) error { return HEIF(w, bytes.NewReader(in)) })
	// exiftool -v2 lists the Exif item at 0x253 (0x1a4 bytes), the XMP at 0x3f7 (0xbb8).
	exif, xmp := [2]int{0x253, 0x253 + 0x1a4}, [2]int{0x3f7, 0x3f7 + 0xbb8}
	sameOutside(t, in, out, exif, xmp)
	blankItem(t, out[exif[0]:exif[1]], itemExif)
	blankItem(t, out[xmp[0]:xmp[1]], itemXMP)
	for _, leak := range []string{"Apple", "iPhone", "Nguyen", "Vi Thanh", "rdf:RDF", "2026:03:14"} {
		if bytes.Contains(out, []byte(leak)) {
			t.Errorf("%q is still in the file", leak)
		}
	}
}

// blankItem fails unless an item's bytes are what HEIF overwrites it with.
func blankItem(t testing.TB, b []byte, kind int) {
	t.Helper()
	want := make([]byte, len(b))
	fillBlank(want, 0, int64(len(b)), kind)
	if !bytes.Equal(b, want) {
		t.Fatalf("item not blanked: %q", b)
	}
}

// TestStripHEICiPhone strips HEICs in the shape an iPhone writes, with the
// item locations written in each way the format allows: the Exif item
// (GPS position) and the XMP item are overwritten, the tiles, thumbnail
// and grid are not, and the file keeps its length and its offsets.
func TestStripHEICiPhone(t *testing.T) {
	exif := appleExif(t)
	for name, l := range map[string]heicLayout{
		"iloc version 1":            {ilocVersion: 1},
		"iloc version 0":            {ilocVersion: 0},
		"iloc version 2":            {ilocVersion: 2},
		"a base offset":             {ilocVersion: 1, base: true},
		"items in two extents":      {ilocVersion: 1, split: true},
		"a user description":        {ilocVersion: 1, udes: true},
		"every way at once":         {ilocVersion: 2, base: true, split: true, udes: true},
		"iloc version 0, two, base": {ilocVersion: 0, base: true, split: true},
	} {
		t.Run(name, func(t *testing.T) {
			in := buildHEIC(iphoneItems(exif), l)
			out := stripWith(t, func(w *bytes.Buffer) error { return HEIF(w, bytes.NewReader(in)) })
			i := bytes.Index(in, exif)
			x := bytes.Index(in, []byte("<x:xmpmeta"))
			ranges := [][2]int{{i, i + len(exif)}, {x, x + len(iphoneItems(nil)[2].data)}}
			if l.udes {
				u := bytes.Index(in, []byte("udes"))
				ranges = append(ranges, [2]int{u, u + len("udes") + 4 + len("vi\x00Nguyễn Văn An\x00Ảnh của tôi\x00\x00")})
			}
			sameOutside(t, in, out, ranges...)
			blankItem(t, out[i:i+len(exif)], itemExif)
			blankItem(t, out[x:x+len(iphoneItems(nil)[2].data)], itemXMP)
			for _, leak := range []string{"Nguyen", "Nguyễn", "rdf:RDF", "2026:03:02", "GPS"} {
				if bytes.Contains(out, []byte(leak)) {
					t.Errorf("%q is still in the file", leak)
				}
			}
			if l.udes && len(isoFind(t, out, "meta/iprp")) != 1 {
				t.Errorf("the properties are gone")
			}
		})
	}
}

// TestStripHEICItemInIdat: an Exif item that the meta box holds itself
// (idat, construction method 1) is overwritten there.
func TestStripHEICItemInIdat(t *testing.T) {
	exif := appleExif(t)
	items := iphoneItems(exif)
	items[1].idat = true
	in := buildHEIC(items, heicLayout{ilocVersion: 1})
	out := stripWith(t, func(w *bytes.Buffer) error { return HEIF(w, bytes.NewReader(in)) })
	i := bytes.Index(in, exif)
	x := bytes.Index(in, []byte("<x:xmpmeta"))
	sameOutside(t, in, out, [2]int{i, i + len(exif)}, [2]int{x, x + len(items[2].data)})
	blankItem(t, out[i:i+len(exif)], itemExif)
}

// TestStripHEICRefuses: a HEIC whose metadata items cannot be overwritten
// where they lie is refused (and stays at the Center), not copied with
// them.
func TestStripHEICRefuses(t *testing.T) {
	exif := appleExif(t)
	good := buildHEIC(iphoneItems(exif), heicLayout{ilocVersion: 1})
	at := bytes.Index(good, []byte("iloc"))
	// The Exif item's entry in iloc v1: id 2 follows item 1's 16 bytes.
	exifEntry := at + 4 + 4 + 2 + 2 + 16
	patch := func(off int, b ...byte) []byte {
		p := bytes.Clone(good)
		copy(p[off:], b)
		return p
	}
	mdatFirst := func() []byte { // the media data before the item table
		ftyp, meta, mdat := isoFind(t, good, "ftyp")[0], isoFind(t, good, "meta")[0], isoFind(t, good, "mdat")[0]
		return bytes.Join([][]byte{isoBox("ftyp", ftyp), isoBox("mdat", mdat), isoBox("meta", meta)}, nil)
	}
	for name, in := range map[string][]byte{
		"empty":                           nil,
		"a JPEG":                          []byte("\xFF\xD8\xFF\xE0"),
		"no ftyp first":                   good[40:],
		"cut short":                       good[:len(good)-10],
		"the Exif item made of others":    patch(exifEntry+2, 0, 2),
		"the Exif item in another file":   patch(exifEntry+4, 0, 1),
		"the Exif item to the file's end": patch(exifEntry+12, 0, 0, 0, 0),
		"the Exif item past the end":      patch(exifEntry+8, 0, 0, 0x7f, 0xff),
		"the Exif item over iloc":         patch(exifEntry+8, 0, 0, 0, byte(at)),
		"the item table after its data":   mdatFirst(),
	} {
		if err := HEIF(&bytes.Buffer{}, bytes.NewReader(in)); err != ErrNotHEIF {
			t.Errorf("%s: %v, want ErrNotHEIF", name, err)
		}
	}
}
