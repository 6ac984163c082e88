// Package strip copies photos without the metadata that can say where they
// were taken or by whom — GPS position, capture time, camera, owner,
// software, comments — keeping what shows the picture (SPEC 8.3: GPS data
// is stripped from the photos we send; 9.6: the public photos carry none;
// 10.2: a confidential report shows agencies no identity). Each function
// streams: the file is never held in memory.
//
// JPEG, PNG, WebP, GIF, HEIF photos (HEIC, AVIF) and ISO media files
// (MP4, MOV, 3GP video; M4A sound) are stripped. Other types are not, and
// Cleans says so: TIFF, other video and audio files are not read. Their
// callers decide what such a file may reach.
package strip

import "io"

// FormatError is returned for input that cannot be read as the type it was
// given as, so that a file that hides its metadata from the reader never
// passes with it. What was written before the fault was found is not a
// whole file, and callers discard it (a mail leaves the file out, the
// public pages too): it holds no metadata but, for a video refused at its
// movie box, the media data before it, where a refused track's samples lie
// (MP4).
type FormatError string

func (e FormatError) Error() string { return "not a readable " + string(e) + " file" }

// strippers are the functions that File calls, by MIME type (the type the
// file's first bytes give: intake sniffs it).
var strippers = map[string]func(io.Writer, io.Reader) error{
	"image/jpeg":      JPEG,
	"image/png":       PNG,
	"image/webp":      WebP,
	"image/gif":       GIF,
	"image/heic":      HEIF,
	"image/heif":      HEIF,
	"image/avif":      HEIF,
	"video/mp4":       MP4,
	"video/quicktime": MP4,
	"video/3gpp":      MP4,
	"audio/mp4":       MP4,
}

// Cleans reports whether File removes the metadata of files of the MIME
// type typ.
func Cleans(typ string) bool {
	return strippers[typ] != nil
}

// File copies a file of the MIME type typ from src to dst, without its
// metadata when Cleans(typ), else as it is.
func File(dst io.Writer, src io.Reader, typ string) error {
	if strip := strippers[typ]; strip != nil {
		return strip(dst, src)
	}
	_, err := io.Copy(dst, src)
	return err
}
