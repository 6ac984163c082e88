package parse

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"testing"
)

// box builds an ISO BMFF box.
func box(typ string, payload ...[]byte) []byte {
	body := bytes.Join(payload, nil)
	out := binary.BigEndian.AppendUint32(nil, uint32(8+len(body)))
	return append(append(out, typ...), body...)
}

func u16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// heicWithEXIF builds a minimal HEIC whose Exif item holds tiff.
func heicWithEXIF(tiff []byte) []byte {
	ftyp := box("ftyp", []byte("heic"), u32(0), []byte("mif1heic"))
	infe := box("infe", []byte{2, 0, 0, 0}, u16(1), u16(0), []byte("Exif"), []byte{0})
	iinf := box("iinf", []byte{0, 0, 0, 0}, u16(1), infe)
	exif := append(append(u32(6), "Exif\x00\x00"...), tiff...)
	ilocFor := func(off uint32) []byte {
		return box("iloc", []byte{0, 0, 0, 0}, u16(0x4400), u16(1), u16(1), u16(0), u16(1), u32(off), u32(uint32(len(exif))))
	}
	meta := box("meta", []byte{0, 0, 0, 0}, iinf, ilocFor(0))
	off := uint32(len(ftyp) + len(meta) + 8) // the item sits in mdat, after meta
	meta = box("meta", []byte{0, 0, 0, 0}, iinf, ilocFor(off))
	return bytes.Join([][]byte{ftyp, meta, box("mdat", exif)}, nil)
}

func TestHEICPhoto(t *testing.T) {
	jpg, err := os.ReadFile("testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	tiff := jpg[bytes.Index(jpg, []byte("II*\x00")):]
	heic := heicWithEXIF(tiff)
	if typ := sniffType(heic, "IMG_0001.HEIC"); typ != "image/heic" {
		t.Fatalf("sniffed %q", typ)
	}
	p := readPhoto("image/heic", heic)
	if p == nil || !p.HasGPS || math.Abs(p.Lat-9.79) > 1e-6 || p.Taken.IsZero() {
		t.Fatalf("photo = %+v", p)
	}
	if p := readPhoto("image/heic", heic[:len(heic)-40]); p != nil {
		t.Errorf("cut file: %+v", p)
	}
}
