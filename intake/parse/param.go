package parse

import (
	"strconv"
	"strings"

	"github.com/emersion/go-message/textproto"
)

// mediaType reads a Content-Type or Content-Disposition value leniently: the
// value before the first ";" (or, when the ";" is missing, before the first
// white space), lower-cased, and its parameters.
func mediaType(v string) (string, map[string]string) {
	v = strings.TrimSpace(v)
	head, rest, _ := strings.Cut(v, ";")
	if i := strings.IndexAny(head, " \t"); i >= 0 {
		head, rest = head[:i], head[i+1:]+";"+rest
	}
	return strings.ToLower(strings.TrimSpace(head)), rawParams(rest)
}

// contentType returns the media type of a part and its parameters;
// parentType is the enclosing multipart's type (a part of a
// multipart/digest is message/rfc822 by default, RFC 2046 5.1.5).
func contentType(h textproto.Header, parentType string) (string, map[string]string) {
	mt, params := mediaType(h.Get("Content-Type"))
	if !strings.Contains(mt, "/") {
		mt = "text/plain"
		if parentType == "multipart/digest" {
			mt = "message/rfc822"
		}
	}
	return mt, params
}

// rawParams splits "; key=value; key2="quoted value"" into a map with
// lower-cased keys. Unlike mime.ParseMediaType it never fails: a malformed
// parameter is skipped, the others kept, and values that RFC 2231 continues
// or encodes stay raw for paramValue.
func rawParams(s string) map[string]string {
	params := map[string]string{}
	for len(s) > 0 {
		s = strings.TrimLeft(s, " \t\r\n;")
		eq := strings.IndexByte(s, '=')
		semi := strings.IndexByte(s, ';')
		if eq < 0 {
			break
		}
		if semi >= 0 && semi < eq {
			s = s[semi:]
			continue
		}
		key := strings.ToLower(strings.TrimSpace(s[:eq]))
		s = strings.TrimLeft(s[eq+1:], " \t\r\n")
		var val string
		if strings.HasPrefix(s, `"`) {
			val, s = quoted(s[1:])
		} else {
			end := strings.IndexByte(s, ';')
			if end < 0 {
				end = len(s)
			}
			val, s = strings.TrimSpace(s[:end]), s[end:]
		}
		if key != "" {
			if _, dup := params[key]; !dup {
				params[key] = val
			}
		}
	}
	return params
}

// quoted reads a quoted string whose opening quote is already consumed.
func quoted(s string) (string, string) {
	// A value with no backslash before its closing quote, as nearly all
	// are, is the text up to it, not copied.
	if i := strings.IndexAny(s, `\"`); i < 0 {
		return s, ""
	} else if s[i] == '"' {
		return s[:i], s[i+1:]
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:]
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), ""
}

// paramValue returns a parameter decoded: RFC 2231 extended values in any
// charset (key*=charset'lang'%XX), continuations (key*0*, key*1, …), RFC
// 2047 encoded words inside a plain value (a common violation), and raw
// 8-bit bytes read in hint's charset.
func paramValue(params map[string]string, key, hint string) string {
	if v, ok := params[key+"*"]; ok {
		if out, ok := decode2231(v); ok {
			return out
		}
	}
	if _, ok := params[key+"*0*"]; ok {
		return continued(params, key, hint)
	}
	if _, ok := params[key+"*0"]; ok {
		return continued(params, key, hint)
	}
	if v, ok := params[key]; ok {
		return headerText(v, hint)
	}
	return ""
}

// continued joins an RFC 2231 continued parameter.
func continued(params map[string]string, key, hint string) string {
	var (
		data    []byte
		charset string
	)
	for i := 0; i < 1000; i++ {
		n := key + "*" + strconv.Itoa(i)
		if v, ok := params[n+"*"]; ok {
			if i == 0 {
				parts := strings.SplitN(v, "'", 3)
				if len(parts) == 3 {
					charset, v = parts[0], parts[2]
				}
			}
			data = append(data, percentDecode(v)...)
		} else if v, ok := params[n]; ok {
			data = append(data, v...)
		} else {
			break
		}
	}
	if charset != "" {
		if out, ok := decodeCharset(charset, data); ok {
			return headerText(out, hint)
		}
	}
	return headerText(string(data), hint)
}

// decode2231 decodes charset'lang'%XX%YY.
func decode2231(v string) (string, bool) {
	parts := strings.SplitN(v, "'", 3)
	if len(parts) != 3 {
		return headerText(string(percentDecode(v)), ""), true
	}
	out, ok := decodeCharset(parts[0], percentDecode(parts[2]))
	if !ok {
		return "", false
	}
	return headerText(out, ""), true
}

// percentDecode decodes %XX escapes, keeping malformed ones as written.
func percentDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return out
}
