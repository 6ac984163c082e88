package intake

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"haugiang.gov.vn/phananh/intake/parse"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// incoming is one message on its way through the pipeline.
type incoming struct {
	src Source
	raw spooled
	msg *parse.Message
	// forwarded is the citizen's message inside msg when a forwarding
	// address forwarded it: the report is the citizen's.
	forwarded  *parse.Message
	now        time.Time
	messageRow int64
	// after holds the writes that need the messages row (events and
	// attachments point to the message that carried them).
	after []func(tx *store.Tx, messageID int64) error
	// drafted is the report msg would make, drafted while it was parsed,
	// on another core than the store's writer (see draftReport).
	drafted *drafted
	// blobs is the batch's blob store, which holds the raw copy.
	blobs *store.BlobBatch
	// signed is what the message's signed keys are made of, once
	// signedParts has read them.
	signed     []string
	signedRead bool
}

// drafted is a draft made ahead, and what it was made of.
type drafted struct {
	msg      *parse.Message
	table    *routing.Table
	report   store.Report
	decision routing.Decision
}

// predraft drafts, ahead of the decision, the report the message would
// make: drafting is pure work on the message (reading the form, routing),
// done beside the parse rather than in the store's transaction.
func (in *incoming) predraft(table *routing.Table) {
	r, d := draft(in.msg, in.src.ReceivedAt, table)
	in.drafted = &drafted{msg: in.msg, table: table, report: r, decision: d}
}

// draftReport is draft of the message a report is made of, the one made
// ahead when it was made of the same message and routing table.
func (in *incoming) draftReport(table *routing.Table) (store.Report, routing.Decision) {
	m := in.report()
	if d := in.drafted; d != nil && d.msg == m && d.table == table {
		return d.report, d.decision
	}
	return draft(m, in.src.ReceivedAt, table)
}

// report is the message a new report is made of.
func (in *incoming) report() *parse.Message {
	if in.forwarded != nil {
		return in.forwarded
	}
	return in.msg
}

func (in *incoming) afterRecord(tx *store.Tx, id int64) error {
	for _, fn := range in.after {
		if err := fn(tx, id); err != nil {
			return err
		}
	}
	return nil
}

// spooled is the raw message, kept encrypted in the blob store: its key is
// also the message's content hash; digest is the hash without its trace
// fields (see digester).
type spooled struct {
	key      string
	digest   string
	size     int64
	tooLarge bool
	// head is what the message's header says of it, read when it is
	// quarantined: the receivers' notice names it by it.
	head parse.Head
}

// spool stores the raw message as it streams in, up to the size limit; the
// rest of a larger message is read and dropped so the connection stays
// usable, and the message is quarantined.
func (p *Pipeline) spool(blobs *store.BlobBatch, body io.Reader) (spooled, error) {
	w, err := blobs.Create()
	if err != nil {
		return spooled{}, err
	}
	limit := p.Limits.MaxMessageBytes
	d := newDigester()
	hb := headBuffers.Get().(*[]byte)
	head := headCatcher{b: (*hb)[:0]}
	defer func() {
		*hb = head.b[:0]
		headBuffers.Put(hb)
	}()
	buf := spoolBuffers.Get().(*[]byte)
	n, err := io.CopyBuffer(io.MultiWriter(w, d, &head), io.LimitReader(body, limit+1), *buf)
	spoolBuffers.Put(buf)
	if err != nil {
		w.Abort()
		return spooled{}, fmt.Errorf("intake: reading the message: %w", err)
	}
	if n > limit {
		w.Abort()
		rest, err := io.Copy(d, body) // its digest, to know it when it comes again
		if err != nil {
			return spooled{}, fmt.Errorf("intake: reading the message: %w", err)
		}
		return spooled{size: n + rest, digest: d.Sum(), tooLarge: true, head: parse.ReadHead(bytes.NewReader(head.b))}, nil
	}
	key, err := w.Commit()
	if err != nil {
		return spooled{}, err
	}
	return spooled{key: key, digest: d.Sum(), size: n}, nil
}

// signedParts returns what the message's signed keys are made of besides
// its sender (see signedReader), read from its raw copy the first time
// they are asked for. Only a command mail needs them, and reading every
// message's body in DKIM's canonical form as it streamed in cost each
// report as much as its digest. An error is the blob store's: the
// message is then left to be tried again.
func (in *incoming) signedParts() ([]string, error) {
	if in.signedRead {
		return in.signed, nil
	}
	r, err := in.blobs.Open(in.raw.key)
	if err != nil {
		return nil, fmt.Errorf("intake: reading the message's signed keys: %w", err)
	}
	defer r.Close()
	s := newSignedReader()
	buf := spoolBuffers.Get().(*[]byte)
	_, err = io.CopyBuffer(s, r, *buf)
	spoolBuffers.Put(buf)
	if err != nil {
		return nil, fmt.Errorf("intake: reading the message's signed keys: %w", err)
	}
	in.signed, in.signedRead = s.parts(), true
	return in.signed, nil
}

// headCatcher keeps the start of a message as it streams in, up to the
// blank line that ends its header (parse.HeadBytes at most): what names a
// message too large to keep.
type headCatcher struct {
	b    []byte
	done bool
}

func (h *headCatcher) Write(p []byte) (int, error) {
	if room := parse.HeadBytes - len(h.b); !h.done && room > 0 {
		from := max(len(h.b)-3, 0)
		h.b = append(h.b, p[:min(room, len(p))]...)
		end := h.b[from:]
		h.done = bytes.Contains(end, []byte("\n\n")) || bytes.Contains(end, []byte("\n\r\n"))
	}
	return len(p), nil
}

// quarantined says why a message cannot be processed: reason in English,
// for the message's record and the log; cause and limit for the
// receivers' notice, which words them in Vietnamese.
type quarantined struct {
	reason string
	cause  string // a templates.Cause… constant
	limit  int64  // the limit passed, for the causes that are limits
}

// limitCauses name the parser's limits for the receivers' notice.
var limitCauses = map[string]string{
	"message size": templates.CauseMessageSize, "header size": templates.CauseHeaderSize,
	"header fields": templates.CauseHeaderFields, "line length": templates.CauseLineLength,
	"MIME parts": templates.CauseParts, "MIME depth": templates.CauseDepth,
}

// parse reads the spooled message. It returns why to quarantine a message
// that cannot be understood (no reason when it can), or an error when the
// store failed (the message is then left to be tried again).
func (p *Pipeline) parse(blobs *store.BlobBatch, in *incoming) (quarantined, error) {
	r, err := blobs.Open(in.raw.key)
	if err != nil {
		return quarantined{}, err
	}
	defer r.Close()
	// A parser that panics (parse.Read recovers it, and the message is
	// quarantined) leaves the attachment it was writing open.
	s := &sink{blobs: blobs}
	defer s.abort()
	in.msg, err = parse.Read(r, s, p.Limits)
	var limit *parse.LimitError
	switch {
	case err == nil:
		return quarantined{}, nil
	case errors.Is(err, parse.ErrSink):
		return quarantined{}, fmt.Errorf("intake: storing attachments: %w", err)
	case errors.As(err, &limit):
		in.raw.head = readHead(blobs, in.raw.key)
		return quarantined{reason: err.Error(), cause: limitCauses[limit.Limit], limit: limit.Max}, nil
	default:
		in.raw.head = readHead(blobs, in.raw.key)
		return quarantined{reason: "unreadable message: " + errorReason(err), cause: templates.CauseUnreadable}, nil
	}
}

// readHead reads what the header of a stored message says of it; nothing
// when the copy cannot be read (the notice then names it by its size and
// time alone).
func readHead(blobs *store.BlobBatch, key string) parse.Head {
	r, err := blobs.Open(key)
	if err != nil {
		return parse.Head{}
	}
	defer r.Close()
	return parse.ReadHead(r)
}

// sink lets the parser stream attachments into the blob store, as files
// (SPEC 4.6), one at a time. It knows the one being written, which a
// parser that panicked left open: abort cuts it off its pack.
type sink struct {
	blobs *store.BlobBatch
	open  *sinkBlob
}

func (s *sink) Create() (parse.Blob, error) {
	w, err := s.blobs.Create()
	if err != nil {
		return nil, err
	}
	s.open = &sinkBlob{BlobWriter: w, sink: s}
	return s.open, nil
}

// abort aborts the attachment left open, if any.
func (s *sink) abort() {
	if s.open != nil {
		s.open.Abort()
	}
}

// sinkBlob is an attachment the parser is writing.
type sinkBlob struct {
	*store.BlobWriter
	sink *sink
}

func (b *sinkBlob) Commit() (string, error) {
	b.sink.open = nil
	return b.BlobWriter.Commit()
}

func (b *sinkBlob) Abort() error {
	b.sink.open = nil
	return b.BlobWriter.Abort()
}

// attachmentWrite, when set (by tests), is called with each write of an
// attachment's bytes, before them.
var attachmentWrite func(n int)

func (b *sinkBlob) Write(p []byte) (int, error) {
	if attachmentWrite != nil {
		attachmentWrite(len(p))
	}
	return b.BlobWriter.Write(p)
}
