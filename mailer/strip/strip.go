// Package strip copies photos without the metadata that can say where they
// were taken or by whom — GPS position, capture time, camera, owner,
// software, comments — keeping what shows the picture (SPEC 8.3: GPS data
// is stripped from the photos we send; 9.6: the public photos carry none;
// 10.2: a confidential report shows agencies no identity). Each function
// streams: the file is never held in memory.
//
// JPEG, PNG and WebP are stripped. Other types are not, and Cleans says
// so: HEIC and video keep their metadata in trees of boxes whose offsets a
// removal must rewrite, and GIF, TIFF and audio files are not read either.
// Their callers decide what such a file may reach.
package strip

import "io"

// FormatError is returned for input that cannot be read as the type it was
// given as, so that a file that hides its metadata from the reader never
// passes with it. What was written before the fault was found holds no
// metadata either, but is not a whole file: callers discard it (a mail
// leaves the file out, the public pages too).
type FormatError string

func (e FormatError) Error() string { return "not a readable " + string(e) + " file" }

// Cleans reports whether File removes the metadata of files of the MIME
// type typ.
func Cleans(typ string) bool {
	return typ == "image/jpeg" || typ == "image/png" || typ == "image/webp"
}

// File copies a file of the MIME type typ from src to dst, without its
// metadata when Cleans(typ) (JPEG, PNG, WebP), else as it is.
func File(dst io.Writer, src io.Reader, typ string) error {
	switch typ {
	case "image/jpeg":
		return JPEG(dst, src)
	case "image/png":
		return PNG(dst, src)
	case "image/webp":
		return WebP(dst, src)
	}
	_, err := io.Copy(dst, src)
	return err
}
