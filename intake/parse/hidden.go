package parse

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// HTML that a mail client does not show is never read (SPEC 4.3): a
// preheader, a tracking block, or a command hidden in an operator's reply
// would otherwise become report text or act on a report. An element is
// hidden by its hidden attribute, by its style attribute (see hidingStyle),
// or by a rule of a <style> element (see styleSheet); everything inside a
// hidden element is hidden too.

// hidingStyle reports whether CSS declarations hide what they apply to:
// display:none, visibility:hidden or collapse, a zero font size, zero
// opacity, Outlook's mso-hide:all, or a zero height or maximum height with
// overflow:hidden (the form Gmail's and marketing tools' preheaders take).
func hidingStyle(decls string) bool {
	var zeroHeight, overflowHidden bool
	for _, d := range strings.Split(decls, ";") {
		prop, value, ok := strings.Cut(d, ":")
		if !ok {
			continue
		}
		prop = strings.ToLower(strings.TrimSpace(prop))
		value = strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(value), "!important")))
		value = strings.TrimSpace(value)
		switch prop {
		case "display":
			if value == "none" {
				return true
			}
		case "visibility":
			if value == "hidden" || value == "collapse" {
				return true
			}
		case "mso-hide":
			if value == "all" {
				return true
			}
		case "font-size", "opacity":
			if isZeroLength(value) {
				return true
			}
		case "max-height", "height":
			zeroHeight = zeroHeight || isZeroLength(value)
		case "overflow", "overflow-y":
			overflowHidden = overflowHidden || value == "hidden"
		}
	}
	return zeroHeight && overflowHidden
}

// showingStyle reports whether declarations set one of the properties
// hidingStyle reads to a value that shows: a later rule that undoes an
// earlier one.
func showingStyle(decls string) bool {
	for _, d := range strings.Split(decls, ";") {
		prop, _, ok := strings.Cut(d, ":")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(prop)) {
		case "display", "visibility", "mso-hide", "font-size", "opacity":
			return !hidingStyle(decls)
		}
	}
	return false
}

// isZeroLength reports a CSS length or number that is zero: "0", "0px",
// "0.0pt", "0em", "0%".
func isZeroLength(v string) bool {
	end := 0
	for end < len(v) && (v[end] >= '0' && v[end] <= '9' || v[end] == '.' || end == 0 && (v[end] == '-' || v[end] == '+')) {
		end++
	}
	if end == 0 {
		return false
	}
	f, err := strconv.ParseFloat(v[:end], 64)
	if err != nil || f != 0 {
		return false
	}
	switch unit := strings.TrimSpace(v[end:]); unit {
	case "", "px", "pt", "em", "rem", "%", "ex", "ch", "pc", "mm", "cm", "in", "vw", "vh":
		return true
	}
	return false
}

// maxStyleBytes bounds the <style> text read from one HTML part, and
// maxStyleRules the rules kept from it.
const (
	maxStyleBytes = 256 << 10
	maxStyleRules = 2000
)

// selector is a compound simple selector: an element name, an id and
// classes, each optional ("p", ".x", "div#main.a.b").
type selector struct {
	tag, id string
	classes []string
}

// styleSheet holds the selectors of a part's <style> elements whose rules
// hide: top-level rules with simple selectors only. Rules inside at-rules
// (@media, @supports) and selectors with combinators, attributes or
// pseudo-classes are not read: they apply only in some views, or to some
// elements, and reading them as hiding could lose text that shows.
type styleSheet struct {
	css    strings.Builder
	hiding []selector
}

// write collects the text of a <style> element, up to maxStyleBytes.
func (s *styleSheet) write(text string) {
	if left := maxStyleBytes - s.css.Len(); left > 0 {
		s.css.WriteString(text[:min(len(text), left)])
	}
}

// compile reads the collected CSS into the hiding selectors. A later rule
// that shows a selector undoes an earlier one that hid it.
func (s *styleSheet) compile() {
	// Outlook and older clients wrap the sheet in an HTML comment.
	css := strings.NewReplacer("<!--", " ", "-->", " ").Replace(stripComments(s.css.String()))
	s.css.Reset()
	hides := map[string]bool{}
	var order []string
	for rules := 0; css != "" && rules < maxStyleRules; rules++ {
		open := strings.IndexByte(css, '{')
		if open < 0 {
			break
		}
		prelude := strings.TrimSpace(css[:open])
		if semi := strings.LastIndexByte(prelude, ';'); semi >= 0 {
			prelude = strings.TrimSpace(prelude[semi+1:]) // after "@import …;" or a stray declaration
		}
		end := blockEnd(css, open)
		body := css[open+1 : max(open+1, end-1)]
		css = css[end:]
		if strings.HasPrefix(prelude, "@") {
			continue
		}
		hide, show := hidingStyle(body), showingStyle(body)
		if !hide && !show {
			continue
		}
		for _, sel := range strings.Split(prelude, ",") {
			sel = strings.ToLower(strings.TrimSpace(sel))
			if _, ok := parseSelector(sel); !ok {
				continue
			}
			if _, seen := hides[sel]; !seen {
				order = append(order, sel)
			}
			hides[sel] = hide
		}
	}
	for _, sel := range order {
		if hides[sel] {
			c, _ := parseSelector(sel)
			s.hiding = append(s.hiding, c)
		}
	}
}

// stripComments removes /* … */ comments from CSS.
func stripComments(css string) string {
	var b strings.Builder
	for {
		i := strings.Index(css, "/*")
		if i < 0 {
			b.WriteString(css)
			return b.String()
		}
		b.WriteString(css[:i])
		j := strings.Index(css[i+2:], "*/")
		if j < 0 {
			return b.String()
		}
		css = css[i+2+j+2:]
	}
}

// blockEnd returns the index just past the "}" that closes the block
// opened at css[open], or len(css).
func blockEnd(css string, open int) int {
	depth := 0
	for i := open; i < len(css); i++ {
		switch css[i] {
		case '{':
			depth++
		case '}':
			if depth--; depth == 0 {
				return i + 1
			}
		}
	}
	return len(css)
}

// parseSelector reads a compound simple selector, lower-cased.
func parseSelector(s string) (selector, bool) {
	var c selector
	if s == "" || strings.ContainsAny(s, " \t\n>+~[]:*()\\\"'") {
		return c, false
	}
	i := strings.IndexAny(s, ".#")
	if i < 0 {
		i = len(s)
	}
	c.tag = s[:i]
	for rest := s[i:]; rest != ""; {
		kind := rest[0]
		rest = rest[1:]
		j := strings.IndexAny(rest, ".#")
		if j < 0 {
			j = len(rest)
		}
		name := rest[:j]
		rest = rest[j:]
		if name == "" {
			return c, false
		}
		if kind == '#' {
			c.id = name
		} else {
			c.classes = append(c.classes, name)
		}
	}
	return c, true
}

// matches reports whether the element t matches the selector.
func (c selector) matches(t html.Token) bool {
	if c.tag != "" && c.tag != t.Data {
		return false
	}
	if c.id != "" && !strings.EqualFold(attr(t, "id"), c.id) {
		return false
	}
	classes := strings.Fields(strings.ToLower(attr(t, "class")))
	for _, want := range c.classes {
		found := false
		for _, have := range classes {
			found = found || have == want
		}
		if !found {
			return false
		}
	}
	return true
}

// hides reports whether the element t is hidden by its own attributes or
// by the style sheet.
func (s *styleSheet) hides(t html.Token) bool {
	for _, a := range t.Attr {
		switch {
		case a.Key == "hidden":
			return true
		case a.Key == "style" && hidingStyle(a.Val):
			return true
		case a.Key == "style" && showingStyle(a.Val):
			return false // the element's own style outweighs a rule
		}
	}
	for _, c := range s.hiding {
		if c.matches(t) {
			return true
		}
	}
	return false
}
