package parse

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"mime"
	"strconv"
	"strings"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // every charset x/text knows, windows-1258 included
	"github.com/emersion/go-message/textproto"
)

// Read parses one message from r, streaming: attachment bodies go to sink
// as they are read, text parts are kept (bounded by Limits). It never
// panics; a message past a limit returns an error wrapping ErrLimit with
// the reason, and a failure of the sink is returned wrapped as well. A
// zero field of lim takes its default (DefaultLimits).
func Read(r io.Reader, sink Sink, lim Limits) (m *Message, err error) {
	lim = lim.withDefaults()
	p := &parser{lim: lim, sink: sink, in: newInput(r, lim)}
	defer func() {
		if v := recover(); v != nil {
			m, err = nil, fmt.Errorf("parse: unexpected failure: %v", v)
		}
	}()
	br := bufio.NewReaderSize(p.in, 32<<10)
	m, err = p.message(br, 0)
	if err == nil {
		// The rest (an epilogue, trailing garbage) still counts against
		// the size and line limits.
		_, err = io.Copy(io.Discard, br)
	}
	if p.in.err != nil {
		return nil, p.in.err
	}
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	return m, nil
}

// parser holds what one Read shares across the message and the messages
// inside it: limits, counts and budgets.
type parser struct {
	lim  Limits
	sink Sink
	in   *input

	parts     int   // MIME parts seen
	textBytes int64 // text kept
	attCount  int   // attachments stored
	attBytes  int64 // bytes of attachments stored
}

// state is the reading of one message (the outer one or a forwarded one).
type state struct {
	m          *Message
	depth      int
	containers map[string]string // multipart types by part path
	texts      []textPart
	charset    string // charset of the first text part: the hint for raw 8-bit headers
	report     *DSN   // set inside a multipart/report delivery-status
}

func (st *state) note(format string, args ...any) {
	st.m.Notes = append(st.m.Notes, fmt.Sprintf(format, args...))
}

// message reads one message: header, then its parts through Entity.Walk.
func (p *parser) message(br *bufio.Reader, depth int) (*Message, error) {
	h, body, notes, err := readHeaderBlock(br, p.lim)
	if err != nil {
		return nil, err
	}
	st := &state{m: &Message{Notes: notes}, depth: depth, containers: map[string]string{}}
	ent, entErr := message.New(message.Header{Header: h}, body)
	if ent == nil {
		return nil, fmt.Errorf("reading the message body: %w", entErr)
	}
	if err := p.walk(st, ent, nil, entErr); err != nil {
		return nil, err
	}
	p.finish(st, h)
	return st.m, nil
}

// walk visits ent and its parts; prefix is ent's path in the message. A
// broken MIME structure ends the walk with a note: the parts read so far
// are kept.
func (p *parser) walk(st *state, ent *message.Entity, prefix []int, entErr error) error {
	root := true
	err := ent.Walk(func(path []int, e *message.Entity, err error) error {
		if root {
			err, root = entErr, false
		}
		full := append(append([]int{}, prefix...), path...)
		return p.part(st, full, e, err)
	})
	switch {
	case err == nil:
		return nil
	case p.in.err != nil:
		return p.in.err
	case errors.Is(err, ErrLimit), errors.Is(err, errSink):
		return err
	}
	st.note("MIME structure broken, later parts lost: %s", shorten(err.Error()))
	return nil
}

// errSink marks failures of the blob sink: they are the store's, not the
// message's.
var errSink = errors.New("storing an attachment")

// part handles one entity of the walk.
func (p *parser) part(st *state, path []int, e *message.Entity, decodeErr error) error {
	if p.parts++; p.parts > p.lim.MaxParts {
		return limitError("MIME parts", int64(p.lim.MaxParts))
	}
	if st.depth+len(path) > p.lim.MaxDepth {
		return limitError("MIME depth", int64(p.lim.MaxDepth))
	}
	if len(path) > 0 {
		if err := p.checkHeader(e.Header.Header); err != nil {
			return err
		}
	}
	parent := ""
	if len(path) > 0 {
		parent = st.containers[pathKey(path[:len(path)-1])]
	}
	mt, params := contentType(e.Header.Header, parent)
	if strings.HasPrefix(mt, "multipart/") {
		return p.multipart(st, path, e, mt, params)
	}
	body := p.decodedBody(st, e, mt, params, decodeErr)
	disp, dparams := mediaType(e.Header.Get("Content-Disposition"))
	hint := params["charset"]
	name := paramValue(dparams, "filename", hint)
	if name == "" {
		name = paramValue(params, "name", hint)
	}
	switch {
	case mt == "message/rfc822" || mt == "message/global":
		return p.enclosed(st, body)
	case mt == "text/rfc822-headers" || mt == "message/rfc822-headers" || mt == "message/global-headers":
		return p.returnedHeaders(st, body)
	case mt == "message/delivery-status" || mt == "message/global-delivery-status":
		return p.deliveryStatus(st, body)
	case isBodyText(mt) && disp != "attachment" && (name == "" || disp == "inline"):
		return p.text(st, path, mt, body, hint)
	}
	if mt == "application/ms-tnef" || mt == "application/vnd.ms-tnef" || strings.EqualFold(name, "winmail.dat") {
		st.note("TNEF (winmail.dat) part: its content is not read")
	}
	return p.attachment(st, body, attachmentInfo{
		name: name, declared: mt, inline: disp == "inline",
		contentID: strings.Trim(strings.TrimSpace(e.Header.Get("Content-Id")), "<>"),
	})
}

// multipart records a container. go-message splits it only when it can
// parse the Content-Type itself; when it cannot (a boundary with characters
// that need quoting, say) but a boundary is there, the part is rebuilt
// with a clean Content-Type and walked.
func (p *parser) multipart(st *state, path []int, e *message.Entity, mt string, params map[string]string) error {
	st.containers[pathKey(path)] = mt
	if mt == "multipart/report" {
		rt := strings.ToLower(params["report-type"])
		if rt == "delivery-status" || rt == "global-delivery-status" {
			if st.report == nil {
				st.report = &DSN{}
			}
		}
	}
	if e.MultipartReader() != nil {
		return nil
	}
	boundary := params["boundary"]
	ct := mime.FormatMediaType(mt, map[string]string{"boundary": boundary})
	if boundary == "" || ct == "" {
		st.note("%s without a usable boundary read as text", mt)
		return p.text(st, path, "text/plain", e.Body, params["charset"])
	}
	h := e.Header.Copy()
	h.Set("Content-Type", ct)
	ne, err := message.New(h, e.Body)
	if ne == nil || ne.MultipartReader() == nil {
		return fmt.Errorf("rebuilding %s: %v", mt, err)
	}
	st.note("malformed %s header repaired", mt)
	return p.walkChildren(st, ne, path)
}

// walkChildren walks the parts of a rebuilt multipart entity.
func (p *parser) walkChildren(st *state, e *message.Entity, path []int) error {
	mr := e.MultipartReader()
	for i := 0; ; i++ {
		child, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if child == nil {
			if p.in.err != nil {
				return p.in.err
			}
			st.note("MIME structure broken, later parts lost: %s", shorten(err.Error()))
			return nil
		}
		if err := p.walk(st, child, append(append([]int{}, path...), i), err); err != nil {
			return err
		}
	}
}

// checkHeader applies the header limits to a part's header (the message's
// own header is bounded while it is read).
func (p *parser) checkHeader(h textproto.Header) error {
	n, size := 0, int64(0)
	for f := h.Fields(); f.Next(); {
		n++
		raw, _ := f.Raw()
		size += int64(len(raw))
	}
	if n > p.lim.MaxHeaderFields {
		return limitError("header fields", int64(p.lim.MaxHeaderFields))
	}
	if size > p.lim.MaxHeaderBytes {
		return limitError("header size", p.lim.MaxHeaderBytes)
	}
	return nil
}

// decodedBody returns the part's body decoded: go-message decodes the
// transfer encodings and charsets it knows; uuencode, VISCII and UTF-7 are
// decoded here; anything else is kept raw, with a note.
func (p *parser) decodedBody(st *state, e *message.Entity, mt string, params map[string]string, decodeErr error) io.Reader {
	body := e.Body
	if decodeErr == nil || strings.HasPrefix(mt, "multipart/") {
		return body
	}
	cte := strings.ToLower(strings.TrimSpace(e.Header.Get("Content-Transfer-Encoding")))
	if !knownEncoding(cte) {
		if isUUEncoding(cte) {
			body = newUUDecoder(body)
		} else {
			st.note("unknown transfer encoding %q kept raw", shorten(cte))
		}
	}
	if message.IsUnknownCharset(decodeErr) {
		label := params["charset"]
		if r, err := newCharsetReader(label, body); err == nil {
			body = r
		} else {
			st.note("unknown charset %q kept raw", shorten(label))
		}
	}
	return body
}

func knownEncoding(cte string) bool {
	switch cte {
	case "", "7bit", "8bit", "binary", "base64", "quoted-printable":
		return true
	}
	return false
}

func isUUEncoding(cte string) bool {
	switch cte {
	case "x-uuencode", "uuencode", "x-uue", "uue":
		return true
	}
	return false
}

// isBodyText reports the media types that are the readable text of a
// message.
func isBodyText(mt string) bool {
	switch mt {
	case "text/plain", "text/html", "text/enriched", "text/richtext", "text/x-plain":
		return true
	}
	return false
}

// pathKey names a part path in the containers map.
func pathKey(path []int) string {
	var b strings.Builder
	for _, i := range path {
		b.WriteString(strconv.Itoa(i))
		b.WriteByte('.')
	}
	return b.String()
}

// shorten bounds a value quoted in a note.
func shorten(s string) string {
	if len(s) > 80 {
		return strings.ToValidUTF8(s[:80], "") + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
