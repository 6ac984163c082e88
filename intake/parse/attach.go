package parse

import (
	"errors"
	"fmt"
	"io"
)

// headBytes is how much of an attachment is kept in memory while it
// streams: enough to sniff its type and read a photo's EXIF.
const headBytes = 128 << 10

// attachmentInfo is what the part's header says about an attachment.
type attachmentInfo struct {
	name, declared string
	inline         bool
	contentID      string
}

// attachment streams one attachment to the sink. Its first bytes decide
// its type; a type outside the allow-list, a dangerous file name, one
// attachment too many, or a size past the per-file or per-message limit
// refuses it: the bytes are read and dropped (Blob.Abort when writing had
// begun) and the reason recorded.
func (p *parser) attachment(st *state, body io.Reader, info attachmentInfo) error {
	buf := heads.Get().(*[]byte)
	defer heads.Put(buf)
	head := *buf
	n, err := io.ReadFull(body, head)
	head = head[:n]
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		if p.in.err != nil {
			return p.in.err
		}
		st.note("attachment read up to an error: %s", shorten(err.Error()))
		body = eofReader{}
	}
	typ := sniffType(head, info.name)
	a := Attachment{
		Name: sanitizeName(info.name, typ), DeclaredType: info.declared, Type: typ,
		Inline: info.inline, ContentID: info.contentID,
	}
	if a.Refused = p.refusal(typ, info.name); a.Refused != "" {
		rest, err := drain(body)
		a.Size = int64(n) + rest
		st.m.Attachments = append(st.m.Attachments, a)
		return p.readErr(err)
	}
	if err := p.store(st, &a, head, body); err != nil {
		return err
	}
	if a.Key != "" {
		a.Photo = readPhoto(typ, head)
	}
	st.m.Attachments = append(st.m.Attachments, a)
	return nil
}

// refusal returns why an attachment of this type and name is refused
// before any byte is stored, or "".
func (p *parser) refusal(typ, name string) string {
	if !allowed(typ, p.lim.AllowedTypes) {
		return "type not allowed: " + typ
	}
	if ext, bad := dangerousExt(name); bad {
		return fmt.Sprintf("type not allowed: %s named %s", typ, ext)
	}
	if p.attCount >= p.lim.MaxAttachments {
		return fmt.Sprintf("too many attachments (more than %d)", p.lim.MaxAttachments)
	}
	return ""
}

// store writes head and the rest of body to a new blob within the size
// limits, and commits it.
func (p *parser) store(st *state, a *Attachment, head []byte, body io.Reader) error {
	allowance := min(p.lim.MaxAttachmentBytes, p.lim.MaxAttachmentsBytes-p.attBytes)
	blob, err := p.sink.Create()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSink, err)
	}
	if _, err := blob.Write(head); err != nil {
		blob.Abort()
		return fmt.Errorf("%w: %w", ErrSink, err)
	}
	n, copyErr := copyLimited(blob, body, allowance-int64(len(head)))
	a.Size = int64(len(head)) + n
	var we writeError
	switch {
	case p.in.err != nil:
		blob.Abort()
		return p.in.err
	case errors.As(copyErr, &we):
		blob.Abort()
		return fmt.Errorf("%w: %w", ErrSink, we.err)
	case a.Size > allowance:
		blob.Abort()
		rest, err := drain(body)
		a.Size += rest
		if a.Size > p.lim.MaxAttachmentBytes {
			a.Refused = fmt.Sprintf("too large (over %d bytes)", p.lim.MaxAttachmentBytes)
		} else {
			a.Refused = fmt.Sprintf("attachments total too large (over %d bytes)", p.lim.MaxAttachmentsBytes)
		}
		return p.readErr(err)
	case copyErr != nil:
		st.note("attachment %q read up to an error: %s", a.Name, shorten(copyErr.Error()))
	}
	key, err := blob.Commit()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSink, err)
	}
	a.Key = key
	p.attCount++
	p.attBytes += a.Size
	return nil
}

// writeError marks a failure of the writer (the sink) apart from one of
// the reader (the message).
type writeError struct{ err error }

func (e writeError) Error() string { return e.err.Error() }

// copyLimited copies from r to w until r ends or more than max bytes have
// been copied; it returns the bytes copied (max+1 at most when over).
func copyLimited(w io.Writer, r io.Reader, max int64) (int64, error) {
	if max < 0 {
		max = -1
	}
	pooled := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(pooled)
	buf := *pooled
	var total int64
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if total+int64(n) > max {
				return total + int64(n), nil
			}
			if _, werr := w.Write(buf[:n]); werr != nil {
				return total, writeError{werr}
			}
			total += int64(n)
		}
		if errors.Is(err, io.EOF) {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// drain reads r to its end and returns how many bytes it held.
func drain(r io.Reader) (int64, error) {
	n, err := io.Copy(io.Discard, r)
	return n, err
}

// eofReader is an empty body.
type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
