package strip

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// ErrNotJPEG is returned by JPEG for input that is not a JPEG file it
// can read to its image data.
var ErrNotJPEG error = FormatError("JPEG")

// The markers JPEG looks at.
const (
	markerSOI   = 0xD8
	markerEOI   = 0xD9
	markerSOS   = 0xDA
	markerAPP1  = 0xE1 // Exif and XMP: capture time, camera, GPS position
	markerAPP13 = 0xED // Photoshop resources: IPTC, which may hold a location
	markerCOM   = 0xFE // free-text comment
)

// JPEG copies a JPEG file from src to dst without the metadata that
// can say where a photo was taken or by whom (SPEC 8.3: GPS data is
// stripped from the photos we send; 9.6: the public photos carry none):
// the Exif and XMP segments (APP1), Photoshop's IPTC segment (APP13),
// comments, every application segment but the three a picture needs, and
// whatever follows the image — a second picture of the Multi-Picture
// Format with its own Exif, a phone's motion-photo video, a camera's
// trailer. The image data, quantisation and Huffman tables, the JFIF header
// (APP0), colour profiles (APP2 "ICC_PROFILE") and Adobe's colour transform
// (APP14) are copied as they are, between the scans of a progressive JPEG
// too, so the picture is unchanged. The Exif orientation is the one tag
// kept — written back as a new Exif segment that holds it alone — so that
// phone photos are not shown on their side.
//
// It streams: only one marker segment (at most 64 KB) is held at a time,
// and the compressed image data is copied through up to each marker.
func JPEG(dst io.Writer, src io.Reader) error {
	r, w, release := jpegBuffers(src, dst)
	defer release()
	var soi [2]byte
	if _, err := io.ReadFull(r, soi[:]); err != nil || soi != [2]byte{0xFF, markerSOI} {
		return ErrNotJPEG
	}
	w.Write(soi[:])
	scanned := false // past the first start of scan: in the image data
	m, err := nextMarker(r)
	for err == nil {
		switch {
		case m == markerEOI:
			w.Write([]byte{0xFF, m})
			return w.Flush() // what follows the image is not copied
		case m == 0x01 || m >= 0xD0 && m <= 0xD7: // TEM and RSTn carry no length
			w.Write([]byte{0xFF, m})
		default:
			payload, err := segment(r)
			if err != nil {
				return err
			}
			if m == markerAPP1 && !scanned {
				if o := exifOrientation(payload); o > 1 {
					writeSegment(w, markerAPP1, orientationExif(o))
				}
			}
			if keepSegment(m, payload) {
				writeSegment(w, m, payload)
			}
			scanned = scanned || m == markerSOS
		}
		if !scanned {
			m, err = nextMarker(r)
		} else if m, err = copyScan(w, r); m == 0 {
			return err
		}
	}
	return err
}

// keepSegment reports whether a marker segment is copied: every segment
// that is not an application segment or a comment, and the application
// segments that say how to show the picture — JFIF, a colour profile,
// Adobe's colour transform.
func keepSegment(m byte, payload []byte) bool {
	switch {
	case m == markerCOM:
		return false
	case m < 0xE0 || m > 0xEF:
		return true
	case m == 0xE0:
		return bytes.HasPrefix(payload, []byte("JFIF\x00")) || bytes.HasPrefix(payload, []byte("JFXX\x00"))
	case m == 0xE2:
		return bytes.HasPrefix(payload, []byte("ICC_PROFILE\x00"))
	case m == 0xEE:
		return bytes.HasPrefix(payload, []byte("Adobe"))
	}
	return false
}

// copyScan copies entropy-coded image data up to the next marker other
// than a restart marker or a stuffed zero, and returns that marker's code;
// 0 when the data ended without one (a truncated file, copied as it is).
func copyScan(w *bufio.Writer, r *bufio.Reader) (byte, error) {
	for {
		chunk, err := r.ReadSlice(0xFF)
		switch {
		case err == bufio.ErrBufferFull:
			w.Write(chunk)
			continue
		case err == io.EOF:
			w.Write(chunk)
			return 0, w.Flush()
		case err != nil:
			return 0, fmt.Errorf("jpeg: %w", err)
		}
		w.Write(chunk[:len(chunk)-1])
		c, err := r.ReadByte()
		for err == nil && c == 0xFF { // fill bytes before a marker
			c, err = r.ReadByte()
		}
		switch {
		case err != nil: // 0xFF at the end
			return 0, w.Flush()
		case c == 0x00 || c >= 0xD0 && c <= 0xD7:
			w.WriteByte(0xFF)
			w.WriteByte(c)
		default:
			return c, nil
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
