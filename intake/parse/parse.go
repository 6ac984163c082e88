package parse

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"sort"
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
	br := getReader(p.in)
	defer putReader(br)
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
	// split is the boundary by which walkTree reads the parts of the
	// multipart just visited, "" when it reads none.
	split    string
	captures map[string]*capture
}

func (st *state) note(format string, args ...any) {
	st.m.Notes = append(st.m.Notes, fmt.Sprintf(format, args...))
}

// message reads one message: header, then its parts through walkTree.
func (p *parser) message(br *bufio.Reader, depth int) (*Message, error) {
	h, body, notes, err := readHeaderBlock(br, p.lim)
	if err != nil {
		return nil, err
	}
	st := &state{m: &Message{Notes: notes}, depth: depth, containers: map[string]string{}, captures: map[string]*capture{}}
	ent, dec, entErr := newEntity(h, body)
	if ent == nil {
		return nil, fmt.Errorf("reading the message body: %w", entErr)
	}
	err = p.walk(st, ent, nil, entErr)
	releaseBase64Decoder(dec)
	if err != nil {
		return nil, err
	}
	p.captured(st)
	for _, c := range st.captures {
		c.release()
	}
	p.finish(st, h)
	return st.m, nil
}

// walk visits ent and its parts; prefix is ent's path in the message. A
// broken MIME structure ends the walk with a note: the parts read so far
// are kept.
func (p *parser) walk(st *state, ent *message.Entity, prefix []int, entErr error) error {
	err := p.walkTree(st, ent, prefix, entErr)
	switch {
	case err == nil:
		return nil
	case p.in.err != nil:
		return p.in.err
	case errors.Is(err, ErrLimit), errors.Is(err, ErrSink):
		return err
	}
	st.note("MIME structure broken, later parts lost: %s", shorten(err.Error()))
	return nil
}

// walkTree is go-message's Entity.Walk, p.part called on ent and on each
// of its parts, depth first, with two differences: a part is made by
// newEntity, and the parts of a multipart are read only when p.part asks
// for them (state.split), which is where go-message reads them too (see
// multipart). A failure of the multipart structure is returned; a part's
// unknown transfer encoding or charset is given to p.part with the part.
func (p *parser) walkTree(st *state, ent *message.Entity, prefix []int, entErr error) error {
	var (
		readers []*textproto.MultipartReader
		path    []int
		e       = ent
		err     = entErr
		dec     *base64Decoder // e's, given back once e is visited
	)
	for {
		if e == nil {
			if len(readers) == 0 {
				return nil
			}
			part, perr := readers[len(readers)-1].NextPart()
			if perr == io.EOF { // as go-message compares it
				readers, path = readers[:len(readers)-1], path[:len(path)-1]
				continue
			}
			if perr != nil {
				return perr
			}
			e, dec, err = newEntity(part.Header, part)
			path[len(path)-1]++
		}
		st.split = ""
		err = p.part(st, append(append([]int{}, prefix...), path...), e, err)
		releaseBase64Decoder(dec)
		if err != nil {
			return err
		}
		// Read and cleared at once: a walk inside p.part (walkChildren)
		// sets it for its own parts.
		if split := st.split; split != "" {
			st.split = ""
			readers = append(readers, textproto.NewMultipartReader(e.Body, split))
			path = append(path, -1)
		}
		e, dec = nil, nil
	}
}

// ErrSink is wrapped by the error Read returns when the sink fails (a full
// disk, say): the fault is the store's, not the message's, so the message is
// to be tried again rather than quarantined.
var ErrSink = errors.New("storing an attachment")

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
	st.partSeen(path)
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
		return p.text(st, path, mt, params, body)
	}
	if mt == "application/ms-tnef" || mt == "application/vnd.ms-tnef" || strings.EqualFold(name, "winmail.dat") {
		st.note("TNEF (winmail.dat) part: its content is not read")
	}
	return p.attachment(st, body, attachmentInfo{
		name: name, declared: mt, inline: disp == "inline",
		contentID: strings.Trim(strings.TrimSpace(e.Header.Get("Content-Id")), "<>"),
	})
}

// multipart records a container. go-message splits it only when it parses
// the Content-Type itself; when it cannot (a boundary with characters that
// need quoting, a stray ";") but a boundary is there, the part is rebuilt
// with a clean Content-Type and its parts walked here. A multipart without
// a boundary is read as text. Otherwise go-message splits it, and its first
// bytes are kept aside until its first part shows: a multipart whose
// boundary never appears is read as text (see captured).
func (p *parser) multipart(st *state, path []int, e *message.Entity, mt string, params map[string]string) error {
	key := pathKey(path)
	st.containers[key] = mt
	if mt == "multipart/report" {
		rt := strings.ToLower(params["report-type"])
		if (rt == "delivery-status" || rt == "global-delivery-status") && st.report == nil {
			st.report = &DSN{}
		}
	}
	// Split as go-message's Entity.Walk would: when its own parse of
	// the Content-Type is multipart/* with a boundary (walkTree reads
	// the parts by st.split).
	goType, goParams, _ := e.Header.ContentType()
	goMultipart := strings.HasPrefix(goType, "multipart/")
	if goMultipart && goParams["boundary"] != "" {
		c := &capture{max: captureBytes}
		st.captures[key] = c
		e.Body = io.TeeReader(e.Body, c)
		st.split = goParams["boundary"]
		return nil
	}
	boundary := params["boundary"]
	ct := mime.FormatMediaType(mt, map[string]string{"boundary": boundary})
	var err error
	if boundary == "" || ct == "" {
		st.note("%s without a usable boundary read as text", mt)
		err = p.text(st, path, "text/plain", map[string]string{"charset": params["charset"]}, e.Body)
	} else {
		h := e.Header.Copy()
		h.Set("Content-Type", ct)
		ne, _ := message.New(h, e.Body)
		st.note("malformed %s header repaired", mt)
		err = p.walkChildren(st, ne, path)
	}
	return err
}

// captureBytes is how much of a multipart body is kept until its first
// part shows.
const captureBytes = 64 << 10

// capture keeps the first bytes of a multipart body until its first part
// is seen.
type capture struct {
	buf    []byte
	pooled *[]byte // where buf came from, given back by release
	max    int
	seen   bool
}

func (c *capture) Write(p []byte) (int, error) {
	if !c.seen && len(c.buf) < c.max {
		if c.buf == nil {
			c.pooled = captureBufs.Get().(*[]byte)
			c.buf = (*c.pooled)[:0]
		}
		c.buf = append(c.buf, p[:min(len(p), c.max-len(c.buf))]...)
	}
	return len(p), nil
}

// release gives the capture's buffer back to its pool.
func (c *capture) release() {
	if c.pooled != nil {
		*c.pooled = c.buf[:0]
		captureBufs.Put(c.pooled)
	}
	c.buf, c.pooled = nil, nil
}

// partSeen tells the capture of the part's container that it has parts.
func (st *state) partSeen(path []int) {
	if len(path) == 0 {
		return
	}
	if c := st.captures[pathKey(path[:len(path)-1])]; c != nil && !c.seen {
		c.seen = true
		c.release()
	}
}

// captured reads, as text, the multiparts in which no part was found: a
// "multipart" that is plain text, or one whose boundary is never used.
func (p *parser) captured(st *state) {
	keys := make([]string, 0, len(st.captures))
	for k, c := range st.captures {
		if !c.seen && len(bytes.TrimSpace(c.buf)) > 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		var lines []string
		for _, l := range strings.Split(string(st.captures[k].buf), "\n") {
			if !strings.HasPrefix(l, "--") {
				lines = append(lines, l)
			}
		}
		text, _ := repairUTF8(strings.Join(lines, "\n"), "")
		st.note("%s without parts read as text", st.containers[k])
		st.texts = append(st.texts, textPart{text: text})
	}
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
