package parse

import (
	"errors"
	"io"
	"net/url"
	"regexp"
	"slices"
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
		skip   string // the element whose content is skipped
		depth  int    // nesting of skip inside itself
		style  bool   // inside a <style> element while skipping
		sheet  styleSheet
		styled bool // the style sheet was compiled
		links  []link
		open   openElements
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
			case tt == html.TextToken && (style || skip == "style"):
				sheet.write(tok.Data)
			case tt == html.StartTagToken && name == "style":
				style = true
			case tt == html.EndTagToken && name == "style":
				style = false
			}
			switch {
			case tt == html.StartTagToken && name == skip:
				depth++
			case tt == html.EndTagToken && name == skip:
				if depth--; depth < 0 {
					skip, depth, style = "", 0, false
				}
			}
			continue
		}
		switch tt {
		case html.TextToken:
			if !open.hidden() {
				w.text(tok.Data)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			if skippedElements[name] && tt == html.StartTagToken {
				skip, depth, styled = name, 0, false
				continue
			}
			if !styled {
				sheet.compile()
				styled = true
			}
			for _, e := range open.implyEnd(name) {
				w.end(e, &links)
			}
			hidden := open.hidden() || sheet.hides(tok)
			if tt == html.StartTagToken && !voidElements[name] {
				open.push(name, hidden)
			}
			if hidden {
				continue
			}
			if cut < 0 && startsHistory(tok) {
				cut = w.b.Len()
			}
			w.start(tok, &links, tt == html.SelfClosingTagToken)
		case html.EndTagToken:
			closed, ok := open.close(name)
			for _, e := range closed {
				w.end(e, &links)
			}
			if !ok && !open.hidden() {
				w.end(name, &links) // a stray end tag: "</p>" still ends a paragraph
			}
		}
	}
	text = tidy(w.b.String())
	if cut < 0 {
		return text, text, truncated, err
	}
	return text, tidy(w.b.String()[:cut]), truncated, err
}

// voidElements have no content and no end tag.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true, "param": true,
	"keygen": true}

// openElements is the stack of open elements, enough of HTML's tree
// building to know where a hidden element ends: explicit end tags close
// the elements opened after the one they name, and the start tags that
// end an element implicitly (a <p> by a block, an <li> by the next item,
// a cell by the next cell or row) do so.
type openElements struct {
	stack  []openElement
	deeper int // elements opened past maxOpenElements, all read as hidden
}

type openElement struct {
	name   string
	hidden bool // the element or one it is inside is hidden
}

// maxOpenElements bounds the stack. What is nested deeper is never shown
// by a mail client's layout either, and is read as hidden: a command
// cannot hide from the tracking behind deep nesting.
const maxOpenElements = 512

func (o *openElements) push(name string, hidden bool) {
	if len(o.stack) < maxOpenElements {
		o.stack = append(o.stack, openElement{name, hidden})
		return
	}
	o.deeper++
}

// hidden reports whether text at this point is hidden.
func (o *openElements) hidden() bool {
	return o.deeper > 0 || len(o.stack) > 0 && o.stack[len(o.stack)-1].hidden
}

// close pops the element name and those opened after it, and returns the
// names of the shown ones, innermost first. ok is false when no such
// element is open.
func (o *openElements) close(name string) (shown []string, ok bool) {
	if o.deeper > 0 {
		o.deeper--
		return nil, true
	}
	for i := len(o.stack) - 1; i >= 0; i-- {
		if o.stack[i].name == name {
			return o.popTo(i), true
		}
	}
	return nil, false
}

// popTo pops the elements from index i on, and returns the names of the
// shown ones, innermost first.
func (o *openElements) popTo(i int) []string {
	var shown []string
	for j := len(o.stack) - 1; j >= i; j-- {
		if !o.stack[j].hidden {
			shown = append(shown, o.stack[j].name)
		}
	}
	o.stack = o.stack[:i]
	return shown
}

// implyEnd closes what the start of element name ends implicitly, and
// returns the names of the shown elements closed.
func (o *openElements) implyEnd(name string) []string {
	var ends, bounds []string
	switch {
	case name == "li":
		ends, bounds = []string{"li"}, []string{"ul", "ol", "menu", "table", "td", "th"}
	case name == "dd" || name == "dt":
		ends, bounds = []string{"dd", "dt"}, []string{"dl", "table", "td", "th"}
	case name == "td" || name == "th":
		ends, bounds = []string{"td", "th"}, []string{"tr", "table"}
	case name == "tr":
		ends, bounds = []string{"tr"}, []string{"table", "tbody", "thead", "tfoot"}
	case closesParagraph[name]:
		ends, bounds = []string{"p"}, []string{"table", "td", "th", "caption", "button", "object", "template"}
	default:
		return nil
	}
	if o.deeper > 0 {
		return nil
	}
	for i := len(o.stack) - 1; i >= 0; i-- {
		n := o.stack[i].name
		if slices.Contains(ends, n) {
			return o.popTo(i)
		}
		if slices.Contains(bounds, n) {
			return nil
		}
	}
	return nil
}

// closesParagraph are the elements whose start ends an open <p>.
var closesParagraph = map[string]bool{"address": true, "article": true, "aside": true, "blockquote": true,
	"center": true, "details": true, "dialog": true, "dir": true, "div": true, "dl": true, "fieldset": true,
	"figcaption": true, "figure": true, "footer": true, "form": true, "h1": true, "h2": true, "h3": true, "h4": true,
	"h5": true, "h6": true, "header": true, "hgroup": true, "hr": true, "main": true, "menu": true, "nav": true,
	"ol": true, "p": true, "pre": true, "section": true, "table": true, "ul": true}

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
