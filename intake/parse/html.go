package parse

import (
	"errors"
	"io"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// htmlToText turns an HTML part into readable text as it streams through
// x/net/html's tokenizer: no tags, no script, style or head; entities
// decoded; links kept as "text (url)"; block elements as line breaks, list
// items as "- " lines; blockquote content as "> " lines. newText is the
// text before the first element that starts quoted history (blockquote,
// Gmail's gmail_quote, Outlook's divRplyFwdMsg and appendonsend,
// Thunderbird's moz-cite-prefix, Yahoo's yahoo_quoted, Hotmail's
// stopSpelling rule). The text is cut past max bytes (truncated is then
// set); maxToken bounds one token.
func htmlToText(r io.Reader, max int64, maxToken int) (text, newText string, truncated bool, err error) {
	z := html.NewTokenizer(r)
	z.SetMaxBuf(maxToken)
	w := &textWriter{}
	cut := -1
	var (
		skip  string // the element whose content is skipped
		depth int    // nesting of skip inside itself
		links []link
	)
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if e := z.Err(); !errors.Is(e, io.EOF) {
				err = e
			}
			break
		}
		if int64(w.b.Len()) > max {
			truncated = true
			break
		}
		tok := z.Token()
		name := tok.Data
		if skip != "" {
			switch {
			case tt == html.StartTagToken && name == skip:
				depth++
			case tt == html.EndTagToken && name == skip:
				if depth--; depth < 0 {
					skip, depth = "", 0
				}
			}
			continue
		}
		switch tt {
		case html.TextToken:
			w.text(tok.Data)
		case html.StartTagToken, html.SelfClosingTagToken:
			if skippedElements[name] && tt == html.StartTagToken {
				skip, depth = name, 0
				continue
			}
			if cut < 0 && startsHistory(tok) {
				cut = w.b.Len()
			}
			w.start(tok, &links, tt == html.SelfClosingTagToken)
		case html.EndTagToken:
			w.end(name, &links)
		}
	}
	text = tidy(w.b.String())
	if cut < 0 {
		return text, text, truncated, err
	}
	return text, tidy(w.b.String()[:cut]), truncated, err
}

var skippedElements = map[string]bool{"script": true, "style": true, "head": true, "title": true, "template": true,
	"noscript": true, "svg": true, "object": true, "iframe": true}

// blockElements end a line before and after.
var blockElements = map[string]bool{"div": true, "tr": true, "table": true, "ul": true, "ol": true, "dl": true,
	"dt": true, "dd": true, "section": true, "article": true, "header": true, "footer": true, "address": true,
	"center": true, "form": true, "fieldset": true, "main": true, "nav": true, "aside": true, "figure": true,
	"caption": true, "tbody": true, "thead": true, "tfoot": true}

// paragraphElements are separated by a blank line.
var paragraphElements = map[string]bool{"p": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true,
	"h6": true, "pre": true, "blockquote": true, "hr": true}

// startsHistory reports an element that opens quoted history in the HTML
// of the common mail clients.
func startsHistory(t html.Token) bool {
	if t.Data == "blockquote" {
		return true
	}
	for _, a := range t.Attr {
		v := strings.ToLower(a.Val)
		switch a.Key {
		case "class":
			for _, c := range strings.Fields(v) {
				switch c {
				case "gmail_quote", "gmail_quote_container", "moz-cite-prefix", "yahoo_quoted", "moz-forward-container":
					return true
				}
			}
		case "id":
			switch v {
			case "divrplyfwdmsg", "appendonsend", "stopspelling", "olk_src_body_section", "mail-editor-reference-message-container":
				return true
			}
		}
	}
	return false
}

// link is an open <a>: its target and where its text started.
type link struct {
	href  string
	start int
}

// textWriter builds the text: collapsed white space outside <pre>, "> "
// prefixes inside blockquotes.
type textWriter struct {
	b       strings.Builder
	quote   int  // blockquote depth
	pre     int  // <pre> depth
	lineLen int  // bytes on the current line
	space   bool // a space is pending
}

func (w *textWriter) prefix() {
	if w.lineLen == 0 && w.quote > 0 {
		w.b.WriteString(strings.Repeat("> ", w.quote))
		w.lineLen = 2 * w.quote
	}
}

func (w *textWriter) text(s string) {
	if w.pre > 0 {
		for i, line := range strings.Split(s, "\n") {
			if i > 0 {
				w.newline()
			}
			if line != "" {
				w.prefix()
				w.b.WriteString(line)
				w.lineLen += len(line)
			}
		}
		return
	}
	if s != "" && isHTMLSpace([]rune(s[:1])[0]) {
		w.space = true
	}
	for _, f := range strings.FieldsFunc(s, isHTMLSpace) {
		if w.space && w.lineLen > 2*w.quote {
			w.b.WriteByte(' ')
			w.lineLen++
		}
		w.prefix()
		w.b.WriteString(f)
		w.lineLen += len(f)
		w.space = true
	}
	if len(s) > 0 {
		w.space = isHTMLSpace(rune(s[len(s)-1]))
	}
}

func isHTMLSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\u00a0'
}

func (w *textWriter) newline() {
	w.b.WriteByte('\n')
	w.lineLen, w.space = 0, false
}

// breakLine ends the current line unless it is empty.
func (w *textWriter) breakLine() {
	if w.lineLen > 0 {
		w.newline()
	}
}

// blankLine leaves one empty line.
func (w *textWriter) blankLine() {
	w.breakLine()
	w.newline()
}

func (w *textWriter) start(t html.Token, links *[]link, selfClosing bool) {
	switch name := t.Data; {
	case name == "br":
		w.newline()
	case name == "li":
		w.breakLine()
		w.prefix()
		w.b.WriteString("- ")
		w.lineLen += 2
		w.space = false
	case name == "td" || name == "th":
		if w.lineLen > 2*w.quote {
			w.b.WriteString("  ")
			w.lineLen += 2
			w.space = false
		}
	case name == "a" && !selfClosing:
		*links = append(*links, link{href: attr(t, "href"), start: w.b.Len()})
	case name == "img":
		if alt := strings.TrimSpace(attr(t, "alt")); alt != "" {
			w.text("[" + alt + "]")
		}
	case paragraphElements[name]:
		w.blankLine()
		if name == "blockquote" {
			w.quote++
		}
		if name == "pre" {
			w.pre++
		}
	case blockElements[name]:
		w.breakLine()
	}
}

func (w *textWriter) end(name string, links *[]link) {
	switch {
	case name == "a" && len(*links) > 0:
		l := (*links)[len(*links)-1]
		*links = (*links)[:len(*links)-1]
		w.linkTarget(l)
	case paragraphElements[name]:
		if name == "blockquote" && w.quote > 0 {
			w.breakLine()
			w.quote--
		}
		if name == "pre" && w.pre > 0 {
			w.pre--
		}
		w.blankLine()
	case blockElements[name] || name == "li":
		w.breakLine()
	}
}

// linkTarget appends " (url)" after a link's text unless the text already
// says it; only web and mail links are shown.
func (w *textWriter) linkTarget(l link) {
	u, err := url.Parse(strings.TrimSpace(l.href))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto") {
		return
	}
	target := u.String()
	if u.Scheme == "mailto" {
		target = u.Opaque
	}
	if l.start > w.b.Len() {
		return
	}
	label := strings.TrimSpace(w.b.String()[l.start:])
	if label == target || strings.TrimSuffix(label, "/") == strings.TrimSuffix(target, "/") ||
		strings.Contains(label, strings.TrimPrefix(strings.TrimPrefix(target, "https://"), "http://")) {
		return
	}
	if label == "" {
		w.text(target)
		return
	}
	w.space = true
	w.text("(" + target + ")")
}

func attr(t html.Token, key string) string {
	for _, a := range t.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

var manyBlankLines = regexp.MustCompile(`\n(?:[ \t>]*\n){2,}`)

// tidy trims each line and keeps at most one blank line in a row.
func tidy(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	s = strings.Join(lines, "\n")
	s = manyBlankLines.ReplaceAllStringFunc(s, func(m string) string {
		parts := strings.Split(m, "\n")
		return "\n" + strings.TrimRight(parts[len(parts)-2], " ") + "\n"
	})
	return strings.TrimSpace(s)
}
