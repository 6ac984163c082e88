package mailer

import (
	"bufio"
	"bytes"
	"io"
	"testing"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"

	"haugiang.gov.vn/phananh/store"
)

// BenchmarkRenderWriters is BenchmarkRender with each of two MIME
// writers: ours, and go-message's (message.CreateWriter), given the same
// header fields and writing the same parts, to measure what writing our
// own costs or saves. One op is one report.
func BenchmarkRenderWriters(b *testing.B) {
	for _, c := range []struct {
		name  string
		write func(io.Writer, *Message) error
	}{
		{"mimewriter", func(w io.Writer, m *Message) error { _, err := m.WriteTo(w); return err }},
		{"go-message", writeGoMessage},
	} {
		b.Run(c.name, func(b *testing.B) {
			benchReports(b, func(w *Worker, db *store.DB, m store.Mail) (*spill, error) {
				files, left, release, err := w.spoolFiles(m)
				if err != nil {
					return nil, err
				}
				defer release()
				msg, err := w.compose(m, left, len(files))
				if err != nil {
					return nil, err
				}
				if err := attach(msg, files); err != nil {
					return nil, err
				}
				body := &spill{dir: db.Blobs().TempDir()}
				return body, c.write(body, msg)
			})
		})
	}
}

// writeGoMessage writes a message as Message.WriteTo does, with
// go-message's writer: the same header fields, the same nesting of
// multipart bodies, the same encodings.
func writeGoMessage(w io.Writer, m *Message) error {
	th, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(m.header.Bytes())))
	if err != nil {
		return err
	}
	top := message.Header{Header: th}
	type level struct {
		typ    string
		params map[string]string
	}
	var nest []level
	if len(m.attachments) > 0 {
		nest = append(nest, level{"multipart/mixed", nil})
	}
	if len(m.embeds) > 0 {
		nest = append(nest, level{"multipart/related", map[string]string{"type": "multipart/alternative"}})
	}
	nest = append(nest, level{"multipart/alternative", nil})
	top.SetContentType(nest[0].typ, nest[0].params)
	mw, err := message.CreateWriter(w, top)
	if err != nil {
		return err
	}
	writers := []*message.Writer{mw}
	for _, l := range nest[1:] {
		var h message.Header
		h.SetContentType(l.typ, l.params)
		pw, err := writers[len(writers)-1].CreatePart(h)
		if err != nil {
			return err
		}
		writers = append(writers, pw)
	}
	alt := writers[len(writers)-1]
	for _, a := range []struct {
		typ  string
		body *bytes.Buffer
	}{{"text/plain", m.text}, {"text/html", m.html}} {
		var h message.Header
		h.SetContentType(a.typ, map[string]string{"charset": "UTF-8"})
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		pw, err := alt.CreatePart(h)
		if err != nil {
			return err
		}
		if _, err := pw.Write(a.body.Bytes()); err != nil {
			return err
		}
		if err := pw.Close(); err != nil {
			return err
		}
	}
	for i := len(writers) - 1; i >= 0; i-- {
		var files []file
		disposition := "inline"
		switch {
		case nest[i].typ == "multipart/related":
			files = m.embeds
		case nest[i].typ == "multipart/mixed":
			files, disposition = m.attachments, "attachment"
		}
		for _, f := range files {
			var h message.Header
			h.SetContentType(f.typ, map[string]string{"name": f.name})
			h.SetContentDisposition(disposition, map[string]string{"filename": f.name})
			h.Set("Content-Transfer-Encoding", "base64")
			if f.cid != "" {
				h.Set("Content-ID", "<"+f.cid+">")
			}
			pw, err := writers[i].CreatePart(h)
			if err != nil {
				return err
			}
			if _, err := io.Copy(pw, f.r); err != nil {
				return err
			}
			if err := pw.Close(); err != nil {
				return err
			}
		}
		if err := writers[i].Close(); err != nil {
			return err
		}
	}
	return nil
}
