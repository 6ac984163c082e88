package parse

import (
	"mime"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"haugiang.gov.vn/phananh/rules/fold"
)

// maxNameBytes bounds a sanitised file name (file systems take 255).
const maxNameBytes = 200

// slashes turns a backslash and the slashes of other scripts into "/".
var slashes = strings.NewReplacer("\\", "/", "／", "/", "∕", "/", "⁄", "/")

// sanitizeName makes an attachment's file name safe to show and to save
// (SPEC 4.6, 10.2): NFC; no path parts (either separator, or a slash that
// looks like one — full-width, division, fraction — so that a name a
// notice lists never begins a command line), no drive letter;
// no control, bidirectional or invisible formatting characters (a name like
// "photo\u202Egpj.exe" shows as "photoexe.jpg"); none of the characters
// Windows forbids; no leading dots, trailing dots or spaces; Windows
// reserved device names (CON, PRN, AUX, NUL, COM1…9, LPT1…9) prefixed with
// "_"; at most maxNameBytes, the extension kept. An empty result becomes
// "attachment" with an extension for the sniffed type.
func sanitizeName(name, typ string) string {
	name = fold.NFC(name)
	name = slashes.Replace(name)
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), isBidiOrInvisible(r):
			return -1
		case strings.ContainsRune(`<>:"|?*`, r):
			return '_'
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ". ")
	name = strings.TrimRight(name, ". ")
	if isReservedName(name) {
		name = "_" + name
	}
	name = truncateName(name)
	if name == "" {
		return "attachment" + extensionFor(typ)
	}
	return name
}

// isBidiOrInvisible reports the characters that reorder or hide text: the
// bidirectional embeddings, overrides and isolates, the marks, and the
// zero-width characters other than the joiners emoji need.
func isBidiOrInvisible(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200E, r == 0x200F, r == 0x061C, r == 0x200B, r == 0xFEFF, r == 0x2060:
		return true
	}
	return false
}

var reservedNames = map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true, "CONIN$": true, "CONOUT$": true}

// isReservedName reports a Windows device name, with any extension.
func isReservedName(name string) bool {
	stem, _, _ := strings.Cut(name, ".")
	stem = strings.ToUpper(strings.TrimSpace(stem))
	if reservedNames[stem] {
		return true
	}
	if len(stem) == 4 && (strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT")) {
		return stem[3] >= '0' && stem[3] <= '9'
	}
	if r, size := utf8.DecodeLastRuneInString(stem); (strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT")) &&
		len(stem) == 3+size && (r == '¹' || r == '²' || r == '³') {
		return true
	}
	return false
}

// truncateName cuts a name to maxNameBytes at a rune boundary, keeping a
// short extension.
func truncateName(name string) string {
	if len(name) <= maxNameBytes {
		return name
	}
	ext := path.Ext(name)
	if len(ext) > 16 {
		ext = ""
	}
	stem := name[:len(name)-len(ext)]
	max := maxNameBytes - len(ext)
	for len(stem) > max {
		_, size := utf8.DecodeLastRuneInString(stem)
		stem = stem[:len(stem)-size]
	}
	return strings.TrimRight(stem, ". ") + ext
}

var preferredExt = map[string]string{
	"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/heic": ".heic", "image/heif": ".heif",
	"image/webp": ".webp", "video/mp4": ".mp4", "video/quicktime": ".mov", "application/pdf": ".pdf",
	"text/plain": ".txt", "text/html": ".html", "audio/mpeg": ".mp3", "audio/mp4": ".m4a",
	"application/msword": ".doc", "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
	"message/rfc822": ".eml", "application/octet-stream": ".bin",
}

// extensionFor returns a file extension for a media type, "" if none.
func extensionFor(typ string) string {
	if ext, ok := preferredExt[typ]; ok {
		return ext
	}
	if exts, err := mime.ExtensionsByType(typ); err == nil && len(exts) > 0 {
		return exts[0]
	}
	return ""
}
