package parse

import (
	"bufio"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/textproto"

	"haugiang.gov.vn/phananh/rules/fold"
)

// textPart is one text part as read, with where it sits among
// alternatives.
type textPart struct {
	text    string
	newText string // for HTML: the text before the first quoted-history element
	html    bool
	alts    []branch // the alternatives it belongs to, outermost first
}

// branch is one alternative of a multipart/alternative: the container's
// path key and the alternative's index in it.
type branch struct {
	alt   string
	index int
}

// text reads a text part within the text budget.
func (p *parser) text(st *state, path []int, mt string, params map[string]string, body io.Reader) error {
	tp := textPart{html: mt == "text/html"}
	for i := range path {
		if st.containers[pathKey(path[:i])] == "multipart/alternative" {
			tp.alts = append(tp.alts, branch{pathKey(path[:i]), path[i]})
		}
	}
	budget := p.lim.MaxTextBytes - p.textBytes
	var (
		truncated bool
		err       error
	)
	if tp.html {
		tp.text, tp.newText, truncated, err = htmlToText(body, budget, p.lim.MaxLineBytes)
	} else {
		var data []byte
		data, err = io.ReadAll(io.LimitReader(body, budget+1))
		if int64(len(data)) > budget {
			data, truncated = data[:budget], true
		}
		tp.text = string(data)
		if strings.EqualFold(params["format"], "flowed") {
			tp.text = reflow(tp.text, strings.EqualFold(params["delsp"], "yes"))
		}
	}
	if p.in.err != nil {
		return p.in.err
	}
	if err != nil {
		st.note("text part read up to an error: %s", shorten(err.Error()))
	}
	if truncated {
		st.note("text past %d bytes cut", p.lim.MaxTextBytes)
		if _, err := io.Copy(io.Discard, body); err != nil && p.in.err != nil {
			return p.in.err
		}
	}
	var repaired bool
	if tp.text, repaired = repairUTF8(tp.text, ""); repaired {
		st.note("text that was not valid in its charset read as windows-1258")
		tp.newText, _ = repairUTF8(tp.newText, "")
	}
	if st.charset == "" && params["charset"] != "" {
		st.charset = params["charset"]
	}
	p.textBytes += int64(len(tp.text))
	st.texts = append(st.texts, tp)
	return nil
}

// assemble chooses the text parts to show: all of them, except that of
// each multipart/alternative, at every level including the message's own,
// exactly one alternative is read (SPEC 4.3): the first one with plain
// text, else the last one with any text (HTML turned into text). It
// returns the text, the text to cut the new text from (for HTML, what
// precedes its quoted-history element) and whether the text came from HTML
// alone.
func assemble(texts []textPart) (text, fresh string, htmlOnly bool) {
	chosen := chooseAlternatives(texts)
	var all, own []string
	plain, html := false, false
	for _, tp := range texts {
		if slices.ContainsFunc(tp.alts, func(b branch) bool { return chosen[b.alt] != b.index }) {
			continue
		}
		t := strings.TrimSpace(cleanText(tp.text))
		if t == "" {
			continue
		}
		all = append(all, t)
		if tp.html {
			html = true
			own = append(own, htmlOwn(tp.newText, t))
		} else {
			plain = true
			own = append(own, t)
		}
	}
	text = fold.NFC(strings.Join(all, "\n\n"))
	if html && !plain {
		return text, fold.NFC(strings.Join(own, "\n\n")), true
	}
	return text, text, false
}

// htmlOwn is what an HTML part holds of its writer's own: the text before
// its first quoted-history element (newText); when there is none and the
// part opens with its quote — an attribution or a blockquote made "> "
// lines: a reply written under its quote, as Thunderbird and webmail send
// one in HTML alone — its whole text, from which splitNewText takes what
// follows the quote, as it does for a plain-text reply written so. History
// that opens otherwise (Outlook's header block over the answered mail
// unquoted, whose own blockquotes are that mail's) gives nothing.
func htmlOwn(newText, text string) string {
	own := cleanText(newText)
	if strings.TrimSpace(own) != "" {
		return own
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if isQuoted(l) || isAttribution(lines, i) > 0 {
			return text
		}
		break
	}
	return own
}

// chooseAlternatives returns, for each multipart/alternative holding
// text, the index of the alternative to read: the first that holds plain
// text, else the last that holds any.
func chooseAlternatives(texts []textPart) map[string]int {
	chosen := map[string]int{}
	withPlain := map[string]bool{}
	for _, tp := range texts {
		if strings.TrimSpace(cleanText(tp.text)) == "" {
			continue
		}
		for _, b := range tp.alts {
			switch {
			case !tp.html && !withPlain[b.alt]:
				chosen[b.alt], withPlain[b.alt] = b.index, true
			case !withPlain[b.alt]:
				chosen[b.alt] = max(chosen[b.alt], b.index)
			}
		}
	}
	return chosen
}

// cleanText drops NUL bytes and other C0 controls but tab and newline, and
// trailing white space on each line.
func cleanText(s string) string {
	if hasControls(s) || !utf8.ValidString(s) { // strings.Map makes a bad byte U+FFFD
		s = strings.Map(func(r rune) rune {
			if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
				return -1
			}
			return r
		}, s)
	}
	if !strings.Contains(s, " \n") && !strings.Contains(s, "\t\n") && !strings.HasSuffix(s, " ") && !strings.HasSuffix(s, "\t") {
		return s // no line ends in white space
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.Join(lines, "\n")
}

// hasControls reports whether s holds a control character that cleanText
// drops: each is one byte.
func hasControls(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
			return true
		}
	}
	return false
}

// finish fills the message from what the walk read.
func (p *parser) finish(st *state, h textproto.Header) {
	m := st.m
	readHeaders(m, h, st.charset)
	var fresh string
	m.Text, fresh, m.HTMLOnly = assemble(st.texts)
	m.NewText, m.Signature = splitNewText(fresh)
	m.BlankBody = blankBody(m.Text)
	m.English = isEnglish(m.Subject + "\n" + m.NewText)
	if m.Forwarded == nil {
		m.Forwarded = inlineForward(m.Text)
	}
	switch {
	case st.report != nil:
		m.DSN = st.report
	case looksLikeBounce(m):
		m.DSN = textBounce(m.Text)
	}
}

// enclosed reads a message/rfc822 part: inside a delivery report it is the
// returned message (its Message-ID is wanted); elsewhere the first one is
// the forwarded message, read in full.
func (p *parser) enclosed(st *state, body io.Reader) error {
	if st.report != nil {
		return p.returnedHeaders(st, body)
	}
	if st.m.Forwarded != nil {
		st.note("a further attached message was not read")
		_, err := io.Copy(io.Discard, body)
		return p.readErr(err)
	}
	fw, err := p.message(bufio.NewReader(lineEndings(body)), st.depth+1)
	if err != nil {
		return err
	}
	st.m.Forwarded = fw
	return nil
}

// returnedHeaders reads the header of the message a DSN returns.
func (p *parser) returnedHeaders(st *state, body io.Reader) error {
	h, rest, _, err := readHeaderBlock(bufio.NewReader(lineEndings(body)), p.lim)
	if err != nil {
		return err
	}
	if st.report == nil {
		st.report = &DSN{}
	}
	if ids := messageIDs(h.Get("Message-Id")); len(ids) > 0 && st.report.OriginalMessageID == "" {
		st.report.OriginalMessageID = ids[0]
	}
	_, err = io.Copy(io.Discard, rest)
	return p.readErr(err)
}

// readErr turns a read error into the limit error behind it, if any; other
// read errors (bad base64 in a part being skipped) are not the message's
// undoing.
func (p *parser) readErr(err error) error {
	if p.in.err != nil {
		return p.in.err
	}
	return nil
}
