package strip

import (
	"bytes"
	"encoding/binary"
)

var exifHeader = []byte("Exif\x00\x00")

// exifOrientation returns the orientation tag of an APP1 Exif payload, or
// 0 when there is none or it cannot be read.
func exifOrientation(p []byte) int {
	if !bytes.HasPrefix(p, exifHeader) {
		return 0
	}
	return tiffOrientation(p[len(exifHeader):])
}

// tiffOrientation returns the orientation tag (0x0112) of IFD0 in a TIFF
// block (Exif's), or 0 when there is none or it cannot be read.
func tiffOrientation(tiff []byte) int {
	if len(tiff) < 8 {
		return 0
	}
	var order binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 0
	}
	ifd := int(order.Uint32(tiff[4:8]))
	if ifd < 8 || ifd+2 > len(tiff) {
		return 0
	}
	n := int(order.Uint16(tiff[ifd:]))
	for i := range n {
		e := ifd + 2 + 12*i
		if e+12 > len(tiff) {
			return 0
		}
		if order.Uint16(tiff[e:]) == 0x0112 && order.Uint16(tiff[e+2:]) == 3 {
			if o := int(order.Uint16(tiff[e+8:])); o >= 1 && o <= 8 {
				return o
			}
			return 0
		}
	}
	return 0
}

// orientationExif is an APP1 Exif payload holding the orientation tag
// alone.
func orientationExif(o int) []byte {
	return appendOrientation(append(make([]byte, 0, len(exifHeader)+orientationSize), exifHeader...), o)
}

// orientationTIFF is a TIFF block holding the orientation tag alone.
func orientationTIFF(o int) []byte {
	return appendOrientation(make([]byte, 0, orientationSize), o)
}

// orientationSize is the size of the TIFF block of appendOrientation.
const orientationSize = 26

// appendOrientation appends a TIFF block holding the orientation tag alone.
func appendOrientation(b []byte, o int) []byte {
	be := binary.BigEndian
	b = append(b, "MM"...)
	b = be.AppendUint16(b, 42)
	b = be.AppendUint32(b, 8) // IFD0 right after the header
	b = be.AppendUint16(b, 1) // one entry
	b = be.AppendUint16(b, 0x0112)
	b = be.AppendUint16(b, 3) // SHORT
	b = be.AppendUint32(b, 1)
	b = be.AppendUint16(b, uint16(o))
	b = be.AppendUint16(b, 0)    // padding of the value field
	return be.AppendUint32(b, 0) // no next IFD
}
