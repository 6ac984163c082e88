package parse

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"io"
	"net/http"
	"path"
	"strings"
)

// sniffType returns the media type of an attachment from its first bytes,
// never from what the sender declared: http.DetectContentType, plus what it
// does not know (executables, HEIC and other ISO media files, office
// documents inside ZIP and OLE containers, macro-enabled ones apart, SVG,
// archives). The file name only narrows a generic result: an OLE file named
// .doc is a Word document, a text file named .js is a script.
func sniffType(head []byte, name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t := magicType(head, ext); t != "" {
		return t
	}
	t, _, _ := strings.Cut(http.DetectContentType(head), ";")
	switch t {
	case "text/plain", "text/xml", "application/octet-stream":
		if isSVG(head) {
			return "image/svg+xml"
		}
		if et, ok := scriptTypes[ext]; ok {
			return et
		}
		if t == "text/plain" && ext == ".csv" {
			return "text/csv"
		}
	case "text/html":
		if isSVG(head) {
			return "image/svg+xml"
		}
	}
	return t
}

// magicType recognises signatures http.DetectContentType lacks.
func magicType(h []byte, ext string) string {
	switch {
	case bytes.HasPrefix(h, []byte("MZ")):
		return "application/x-msdownload"
	case bytes.HasPrefix(h, []byte("\x7fELF")):
		return "application/x-executable"
	case bytes.HasPrefix(h, []byte("\xcf\xfa\xed\xfe")), bytes.HasPrefix(h, []byte("\xce\xfa\xed\xfe")),
		bytes.HasPrefix(h, []byte("\xca\xfe\xba\xbe")):
		return "application/x-mach-binary"
	case bytes.HasPrefix(h, []byte("#!")):
		return "text/x-shellscript"
	case len(h) >= 12 && string(h[4:8]) == "ftyp":
		return isoMediaType(string(h[8:12]))
	case len(h) >= 12 && string(h[:4]) == "RIFF" && string(h[8:12]) == "AVI ":
		return "video/x-msvideo"
	case bytes.HasPrefix(h, []byte("#!AMR")):
		return "audio/amr"
	case bytes.HasPrefix(h, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return oleType(ext)
	case bytes.HasPrefix(h, []byte("PK\x03\x04")):
		return zipType(h, ext)
	case bytes.HasPrefix(h, []byte(`{\rtf`)):
		return "application/rtf"
	case bytes.HasPrefix(h, []byte("7z\xbc\xaf\x27\x1c")):
		return "application/x-7z-compressed"
	case bytes.HasPrefix(h, []byte("BZh")):
		return "application/x-bzip2"
	case bytes.HasPrefix(h, []byte("\xfd7zXZ\x00")):
		return "application/x-xz"
	case bytes.HasPrefix(h, []byte("MSCF")):
		return "application/vnd.ms-cab-compressed"
	case len(h) >= 262 && string(h[257:262]) == "ustar":
		return "application/x-tar"
	}
	return ""
}

// isoMediaType maps an ISO base media file's major brand.
func isoMediaType(brand string) string {
	switch brand {
	case "heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs":
		return "image/heic"
	case "mif1", "msf1":
		return "image/heif"
	case "avif", "avis":
		return "image/avif"
	case "qt  ":
		return "video/quicktime"
	case "M4A ", "M4B ":
		return "audio/mp4"
	case "crx ":
		return "image/x-canon-cr3"
	}
	if strings.HasPrefix(brand, "3g") {
		return "video/3gpp"
	}
	return "video/mp4"
}

// oleType names an OLE compound file (legacy Office, Outlook .msg, MSI) by
// its extension: the container alone does not say.
func oleType(ext string) string {
	switch ext {
	case ".doc", ".dot":
		return "application/msword"
	case ".xls", ".xlt":
		return "application/vnd.ms-excel"
	case ".ppt", ".pps", ".pot":
		return "application/vnd.ms-powerpoint"
	case ".msg":
		return "application/vnd.ms-outlook"
	case ".msi", ".msp":
		return "application/x-msi"
	}
	return "application/x-ole-storage"
}

var macroExts = map[string]string{
	".docm": "application/vnd.ms-word.document.macroenabled.12",
	".dotm": "application/vnd.ms-word.template.macroenabled.12",
	".xlsm": "application/vnd.ms-excel.sheet.macroenabled.12",
	".xltm": "application/vnd.ms-excel.template.macroenabled.12",
	".xlam": "application/vnd.ms-excel.addin.macroenabled.12",
	".xlsb": "application/vnd.ms-excel.sheet.binary.macroenabled.12",
	".pptm": "application/vnd.ms-powerpoint.presentation.macroenabled.12",
	".potm": "application/vnd.ms-powerpoint.template.macroenabled.12",
	".ppsm": "application/vnd.ms-powerpoint.slideshow.macroenabled.12",
	".ppam": "application/vnd.ms-powerpoint.addin.macroenabled.12",
}

// zipType looks inside a ZIP's first entries: OOXML (macro-enabled apart,
// by its content types or a vbaProject.bin), OpenDocument (its stored
// "mimetype" entry), Java and Android packages; anything else is an
// archive.
func zipType(h []byte, ext string) string {
	var names, contentTypes string
	rest := h
	for i := 0; i < 64 && len(rest) >= 30 && bytes.HasPrefix(rest, []byte("PK\x03\x04")); i++ {
		flags := binary.LittleEndian.Uint16(rest[6:])
		method := binary.LittleEndian.Uint16(rest[8:])
		csize := int(binary.LittleEndian.Uint32(rest[18:]))
		nlen := int(binary.LittleEndian.Uint16(rest[26:]))
		xlen := int(binary.LittleEndian.Uint16(rest[28:]))
		if 30+nlen+xlen > len(rest) {
			break
		}
		name := string(rest[30 : 30+nlen])
		data := rest[30+nlen+xlen:]
		names += name + "\n"
		if i == 0 && name == "mimetype" && method == 0 && csize <= len(data) && csize < 100 {
			return odfType(string(data[:csize]))
		}
		used := csize
		if name == "[Content_Types].xml" || flags&8 != 0 {
			text, n := inflate(data, method, csize)
			if name == "[Content_Types].xml" {
				contentTypes = text
			}
			if flags&8 != 0 {
				used = n + dataDescriptorLen(data[n:])
			}
		}
		if used <= 0 || used > len(data) {
			break
		}
		rest = data[used:]
	}
	all := strings.ToLower(names + contentTypes)
	macro := strings.Contains(all, "vbaproject.bin") || strings.Contains(all, "macroenabled")
	switch {
	case strings.Contains(all, "word/") || strings.Contains(all, "wordprocessingml"):
		if macro {
			return macroExts[".docm"]
		}
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case strings.Contains(all, "xl/") || strings.Contains(all, "spreadsheetml"):
		if macro {
			return macroExts[".xlsm"]
		}
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case strings.Contains(all, "ppt/") || strings.Contains(all, "presentationml"):
		if macro {
			return macroExts[".pptm"]
		}
		return "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	case strings.Contains(all, "androidmanifest.xml"):
		return "application/vnd.android.package-archive"
	case strings.Contains(all, "meta-inf/manifest.mf"):
		return "application/java-archive"
	}
	if t, ok := macroExts[ext]; ok {
		return t
	}
	return "application/zip"
}

// inflate decompresses up to 64 KB of a deflated entry; it returns the text
// and how many compressed bytes the stream took (the entry's declared size
// when the stream cannot say).
func inflate(data []byte, method uint16, csize int) (string, int) {
	if method != 8 {
		if method == 0 && csize <= len(data) {
			return string(data[:min(csize, 64<<10)]), csize
		}
		return "", csize
	}
	br := bytes.NewReader(data)
	out, _ := io.ReadAll(io.LimitReader(flate.NewReader(br), 64<<10))
	return string(out), len(data) - br.Len()
}

// dataDescriptorLen is the length of the data descriptor after an entry
// whose sizes follow its data.
func dataDescriptorLen(b []byte) int {
	if bytes.HasPrefix(b, []byte("PK\x07\x08")) {
		return 16
	}
	return 12
}

// odfType returns an OpenDocument's declared type when it is one.
func odfType(mimetype string) string {
	if strings.HasPrefix(mimetype, "application/vnd.oasis.opendocument.") {
		return mimetype
	}
	return "application/zip"
}

// isSVG reports an SVG document among the first bytes.
func isSVG(head []byte) bool {
	h := bytes.ToLower(head[:min(len(head), 1024)])
	return bytes.Contains(h, []byte("<svg"))
}

// scriptTypes names the scripts and shortcuts whose content sniffs as
// plain text or nothing: the name is what Windows runs them by.
var scriptTypes = map[string]string{
	".js": "text/javascript", ".jse": "text/javascript", ".mjs": "text/javascript",
	".vbs": "text/vbscript", ".vbe": "text/vbscript", ".wsf": "application/x-wsf", ".wsh": "application/x-wsh",
	".bat": "application/x-bat", ".cmd": "application/x-bat", ".ps1": "text/x-powershell", ".psm1": "text/x-powershell",
	".sh": "text/x-shellscript", ".hta": "application/hta", ".lnk": "application/x-ms-shortcut",
	".reg": "text/x-ms-regedit", ".url": "application/x-url", ".scf": "application/x-scf", ".inf": "application/x-inf",
	".svg": "image/svg+xml", ".svgz": "image/svg+xml", ".htm": "text/html", ".html": "text/html", ".xhtml": "text/html",
	".mht": "message/rfc822", ".mhtml": "message/rfc822", ".chm": "application/vnd.ms-htmlhelp",
	".iso": "application/x-iso9660-image", ".img": "application/x-raw-disk-image", ".vhd": "application/x-vhd",
	".jar": "application/java-archive", ".apk": "application/vnd.android.package-archive",
	".exe": "application/x-msdownload", ".dll": "application/x-msdownload", ".scr": "application/x-msdownload",
	".com": "application/x-msdownload", ".pif": "application/x-msdownload", ".cpl": "application/x-msdownload",
	".msi": "application/x-msi", ".appx": "application/x-appx", ".msix": "application/x-appx",
}

// dangerousExt reports a file name Windows would run or render whatever its
// content: such a name is refused even when the bytes sniff as an allowed
// type (a JPEG named .exe).
func dangerousExt(name string) (string, bool) {
	ext := strings.ToLower(path.Ext(strings.TrimRight(name, ". ")))
	if _, ok := scriptTypes[ext]; ok {
		return ext, true
	}
	if _, ok := macroExts[ext]; ok {
		return ext, true
	}
	return "", false
}

// allowed reports whether typ is on the allow-list: an exact type or a
// family ("image/*"); "*/*" allows everything.
func allowed(typ string, list []string) bool {
	for _, a := range list {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == typ || a == "*/*" || strings.HasSuffix(a, "/*") && strings.HasPrefix(typ, strings.TrimSuffix(a, "*")) {
			return true
		}
	}
	return false
}
