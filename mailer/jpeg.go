package mailer

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ErrNotJPEG is returned by StripJPEG for input that is not a JPEG file it
// can read to its image data.
var ErrNotJPEG = errors.New("not a readable JPEG file")

// JPEG markers StripJPEG looks at.
const (
	markerSOI   = 0xD8
	markerEOI   = 0xD9
	markerSOS   = 0xDA
	markerAPP1  = 0xE1 // Exif and XMP: capture time, camera, GPS position
	markerAPP13 = 0xED // Photoshop resources: IPTC, which may hold a location
	markerCOM   = 0xFE // free-text comment
)

// StripJPEG copies a JPEG file from src to dst without the metadata that
// can say where a photo was taken (SPEC 8.3: GPS data is stripped from the
// photos we send): the Exif and XMP segments (APP1), Photoshop's IPTC
// segment (APP13) and comments. The image data, quantisation and Huffman
// tables, the JFIF header (APP0), colour profiles (APP2) and Adobe's colour
// transform (APP14) are copied as they are, so the picture is unchanged.
// The Exif orientation is the one tag kept — written back as a new Exif
// segment that holds it alone — so that phone photos are not shown on
// their side.
//
// It streams: only one header segment (at most 64 KB) is held at a time,
// and the compressed image data after the start of scan is copied through.
func StripJPEG(dst io.Writer, src io.Reader) error {
	r := bufio.NewReader(src)
	w := bufio.NewWriter(dst)
	var soi [2]byte
	if _, err := io.ReadFull(r, soi[:]); err != nil || soi != [2]byte{0xFF, markerSOI} {
		return ErrNotJPEG
	}
	w.Write(soi[:])
	for {
		m, err := nextMarker(r)
		if err != nil {
			return err
		}
		if m == markerEOI {
			w.Write([]byte{0xFF, m})
			return w.Flush()
		}
		if m == 0x01 || m >= 0xD0 && m <= 0xD7 { // TEM and RSTn carry no length
			w.Write([]byte{0xFF, m})
			continue
		}
		payload, err := segment(r)
		if err != nil {
			return err
		}
		switch m {
		case markerAPP1:
			if o := exifOrientation(payload); o > 1 {
				writeSegment(w, markerAPP1, orientationExif(o))
			}
			continue
		case markerAPP13, markerCOM:
			continue
		}
		writeSegment(w, m, payload)
		if m == markerSOS {
			if _, err := io.Copy(w, r); err != nil {
				return fmt.Errorf("jpeg: %w", err)
			}
			return w.Flush()
		}
	}
}

// nextMarker reads a marker: 0xFF, any fill bytes, and the marker's code.
func nextMarker(r *bufio.Reader) (byte, error) {
	b, err := r.ReadByte()
	if err != nil || b != 0xFF {
		return 0, ErrNotJPEG
	}
	for b == 0xFF {
		if b, err = r.ReadByte(); err != nil {
			return 0, ErrNotJPEG
		}
	}
	if b == 0 {
		return 0, ErrNotJPEG
	}
	return b, nil
}

// segment reads a marker segment's payload (without its length field).
func segment(r *bufio.Reader) ([]byte, error) {
	var n [2]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, ErrNotJPEG
	}
	size := int(binary.BigEndian.Uint16(n[:]))
	if size < 2 {
		return nil, ErrNotJPEG
	}
	p := make([]byte, size-2)
	if _, err := io.ReadFull(r, p); err != nil {
		return nil, ErrNotJPEG
	}
	return p, nil
}

func writeSegment(w *bufio.Writer, m byte, payload []byte) {
	w.Write([]byte{0xFF, m})
	binary.Write(w, binary.BigEndian, uint16(len(payload)+2))
	w.Write(payload)
}

var exifHeader = []byte("Exif\x00\x00")

// exifOrientation returns the orientation tag (0x0112) of IFD0 in an APP1
// Exif payload, or 0 when there is none or it cannot be read.
func exifOrientation(p []byte) int {
	if !bytes.HasPrefix(p, exifHeader) {
		return 0
	}
	tiff := p[len(exifHeader):]
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

// orientationExif is an Exif payload holding the orientation tag alone.
func orientationExif(o int) []byte {
	var b bytes.Buffer
	b.Write(exifHeader)
	b.WriteString("MM")
	binary.Write(&b, binary.BigEndian, uint16(42))
	binary.Write(&b, binary.BigEndian, uint32(8)) // IFD0 right after the header
	binary.Write(&b, binary.BigEndian, uint16(1)) // one entry
	binary.Write(&b, binary.BigEndian, uint16(0x0112))
	binary.Write(&b, binary.BigEndian, uint16(3)) // SHORT
	binary.Write(&b, binary.BigEndian, uint32(1))
	binary.Write(&b, binary.BigEndian, uint16(o))
	binary.Write(&b, binary.BigEndian, uint16(0)) // padding of the value field
	binary.Write(&b, binary.BigEndian, uint32(0)) // no next IFD
	return b.Bytes()
}
