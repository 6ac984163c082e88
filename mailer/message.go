package mailer

import (
	"bytes"
	"io"
	"sync"

	"haugiang.gov.vn/phananh/mailer/mimewriter"
)

// Message is a composed mail: its envelope, its header, its plain text
// and HTML, and the files it carries, written out as MIME by WriteTo:
// multipart/alternative, inside multipart/related with the files the
// HTML shows, inside multipart/mixed with the files attached.
type Message struct {
	From  string   // the envelope sender, "<local@domain>"
	Rcpts []string // the envelope recipients

	id     string // the Message-ID, which the boundaries are made from
	header mimewriter.Header
	// headerMemory is the buffer of headerBuffers the header's fields
	// are kept in until Release; nil for the header's own.
	headerMemory *[]byte
	// text and html are the bodies, from buffers until Release.
	text, html  *bytes.Buffer
	embeds      []file // shown in the HTML by their Content-ID
	attachments []file
	// lines are the starts of the lines of the bodies' templates,
	// encoded once (nil for none).
	lines *mimewriter.QPLines
}

// file is a file a message carries.
type file struct {
	name, typ, cid string
	r              io.Reader
}

// Embed adds a file the HTML shows by its Content-ID (without angle
// brackets), which is left out when no header field can hold it as it is
// (writable); r is read when the message is written.
func (m *Message) Embed(name, typ, cid string, r io.Reader) {
	m.embeds = append(m.embeds, file{name: name, typ: typ, cid: cid, r: r})
}

// Attach adds a file attached to the message; r is read when the message
// is written.
func (m *Message) Attach(name, typ string, r io.Reader) {
	m.attachments = append(m.attachments, file{name: name, typ: typ, r: r})
}

// Release gives the memory of the message's bodies back, to be used by
// another: the message is not to be written after.
func (m *Message) Release() {
	putBuffer(m.text)
	putBuffer(m.html)
	m.text, m.html = nil, nil
	if m.headerMemory != nil {
		if b := m.header.TakeMemory(); cap(b) <= maxHeaderMemory {
			*m.headerMemory = b
			headerBuffers.Put(m.headerMemory)
		}
		m.headerMemory = nil
	}
}

// headerBuffers hold the memory of messages' headers, given back by
// Release: a kilobyte a mail (compose).
var headerBuffers = sync.Pool{New: func() any { return new([]byte) }}

// maxHeaderMemory bounds the headers' memory kept in headerBuffers: a
// header of a hundred references is left to the collector.
const maxHeaderMemory = 8 << 10

// WriteTo writes the message out, its files read as they are written:
// none is held whole in memory.
func (m *Message) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	err := m.write(cw)
	return cw.n, err
}

func (m *Message) write(w io.Writer) error {
	var related, mixed *mimewriter.Multipart
	var nest []*mimewriter.Multipart // from the outermost in
	if len(m.attachments) > 0 {
		mixed = mimewriter.NewMultipart(w, "mixed", m.id)
		nest = append(nest, mixed)
	}
	if len(m.embeds) > 0 {
		related = mimewriter.NewMultipart(w, "related", m.id)
		nest = append(nest, related)
	}
	alternative := mimewriter.NewMultipart(w, "alternative", m.id)
	nest = append(nest, alternative)

	contentType := func(mp *mimewriter.Multipart) string {
		if mp == related {
			// RFC 2387: the type of the part the others serve.
			return mp.ContentType(`type="multipart/alternative"`)
		}
		return mp.ContentType()
	}
	var h mimewriter.Header
	h.Add("Content-Type", contentType(nest[0]))
	if _, err := w.Write(m.header.Fields()); err != nil {
		return err
	}
	if _, err := w.Write(h.Bytes()); err != nil {
		return err
	}
	for i := 1; i < len(nest); i++ {
		h.Reset()
		h.Add("Content-Type", contentType(nest[i]))
		if err := nest[i-1].Part(&h); err != nil {
			return err
		}
	}
	if err := m.writeAlternatives(w, alternative, &h); err != nil {
		return err
	}
	if related != nil {
		if err := writeFiles(w, related, "inline", m.embeds, &h); err != nil {
			return err
		}
	}
	if mixed != nil {
		return writeFiles(w, mixed, "attachment", m.attachments, &h)
	}
	return nil
}

// encoded are the buffers the text and the HTML are encoded into, used in
// turn.
var encoded = sync.Pool{New: func() any { return new([]byte) }}

// writeAlternatives writes the plain text and the HTML, quoted-printable,
// and ends the multipart/alternative body; h is the memory of the parts'
// headers.
func (m *Message) writeAlternatives(w io.Writer, mp *mimewriter.Multipart, h *mimewriter.Header) error {
	buf := encoded.Get().(*[]byte)
	defer func() {
		if cap(*buf) <= 1<<20 {
			encoded.Put(buf)
		}
	}()
	for _, alt := range []struct {
		typ  string // with its charset
		body *bytes.Buffer
	}{{"text/plain; charset=UTF-8", m.text}, {"text/html; charset=UTF-8", m.html}} {
		h.Reset()
		h.Add("Content-Type", alt.typ)
		h.Add("Content-Transfer-Encoding", "quoted-printable")
		if err := mp.Part(h); err != nil {
			return err
		}
		var body []byte // none for a message not composed
		if alt.body != nil {
			body = alt.body.Bytes()
		}
		*buf = mimewriter.AppendQuotedPrintableLines((*buf)[:0], body, m.lines)
		if _, err := w.Write(*buf); err != nil {
			return err
		}
	}
	return mp.Close()
}

// writeFiles writes files as the parts of mp, base64, with the
// disposition given, and ends mp; h is the memory of the parts' headers.
func writeFiles(w io.Writer, mp *mimewriter.Multipart, disposition string, files []file, h *mimewriter.Header) error {
	for _, f := range files {
		name, filename := mimewriter.FileParams(fileName(f.name))
		h.Reset()
		h.Add("Content-Type", f.typ+"; "+name)
		h.Add("Content-Transfer-Encoding", "base64")
		h.Add("Content-Disposition", disposition+"; "+filename)
		if f.cid != "" && writable(f.cid) {
			h.Add("Content-ID", angle(f.cid))
		}
		if err := mp.Part(h); err != nil {
			return err
		}
		if _, err := mimewriter.WriteBase64(w, f.r); err != nil {
			return err
		}
	}
	return mp.Close()
}

// fileName is a file's name as a quoted parameter carries it: control
// characters, quotes, backslashes and the characters file systems refuse
// ('/', ':', '<', '>', '?', '|') made '_'.
func fileName(name string) string {
	b := []byte(name)
	for i, c := range b {
		switch {
		case c < ' ', c == 0x7f, c == '"', c == '/', c == ':', c == '<', c == '>', c == '?', c == '\\', c == '|':
			b[i] = '_'
		}
	}
	return string(b)
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
