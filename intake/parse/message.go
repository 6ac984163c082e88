// Package parse reads one email message as it streams in: its header, its
// readable text (NFC, HTML turned into text, quoted history cut for the new
// text of a reply), its attachments (streamed to a blob sink, sniffed,
// refused by an allow-list and size limits, EXIF read from photos), a
// forwarded message, and a delivery status report.
//
// It is built on go-message (its entities and header, and textproto's
// multipart reader, walked in Entity.Walk's order, which goes on past a
// part in an unknown transfer encoding), and it never holds a whole
// message or attachment in memory. Hostile mail is bounded by Limits: a
// message past one returns an error wrapping ErrLimit. Anything odd that
// could still be read is recorded in Message.Notes.
package parse

import (
	"io"
	"net/textproto"
	"time"
)

// Sink creates blobs for attachments: the store's encrypted blob store.
type Sink interface {
	Create() (Blob, error)
}

// Blob is one attachment being written. Nothing is kept until Commit, which
// returns the blob's key; Abort drops the bytes written.
type Blob interface {
	io.Writer
	Commit() (key string, err error)
	Abort() error
}

// Address is a mailbox: display name (decoded, NFC) and address.
type Address struct{ Name, Addr string }

// Message is what Read understood of a message.
type Message struct {
	MessageID  string   // without angle brackets
	InReplyTo  []string // ids without angle brackets
	References []string // ids without angle brackets

	// From is the author: set only when the message has exactly one From
	// header holding exactly one address that parses (see FromProblem).
	From Address
	// FromProblem is "" when From is set, else why not: FromMissing,
	// FromRepeated (more than one From header: DKIM and DMARC verifiers
	// read another one than the topmost), FromMany, FromUnparseable. An
	// address is never guessed out of a broken From header. Such a
	// message is no operator's and gets no automatic answer (SPEC 7.3):
	// its sender is not known.
	FromProblem string
	// FromText is the From header as written, decoded for display (RFC
	// 2047, NFC, no control characters), several headers joined by "; ",
	// when FromProblem is set: for the receivers to read, never an
	// address to write to.
	FromText string

	Sender      []Address
	ReplyTo     []Address
	To, Cc      []Address
	DeliveredTo []string // Delivered-To and X-Original-To values (plus-address tokens arrive there)

	ReturnPath        string // the address, "" for the empty path "<>"
	ReturnPathPresent bool
	Subject           string
	Date              time.Time // zero when missing or unreadable

	// Raw header values for RFC 3834 checks (SPEC 4.7), "" when absent.
	AutoSubmitted, Precedence, ListID string
	// AutoReplyHeader is "Name: value" of a header only vacation
	// responders write (X-Autoreply, X-Apple-Action: VACATION, …), or "".
	AutoReplyHeader string
	// AuthResults holds the Authentication-Results values, topmost first.
	AuthResults []string
	// Header is the message's own header, every field as written, values
	// raw (RFC 2047 not decoded): for the checks the fields above do not
	// cover, such as the spam mark our border's filter adds (SPEC 4.2).
	Header textproto.MIMEHeader

	// Text is the whole readable text, NFC: the text/plain parts, or the
	// HTML ones turned into text where a message (or an alternative) has
	// no plain text. Quoted HTML (blockquote) appears as "> " lines.
	Text string
	// NewText is what a reply adds: Text without quoted history, the
	// attribution line, forwarded blocks and the signature.
	NewText string
	// Signature is the signature cut from NewText: the lines under its
	// "-- " line, without a "Sent from my iPhone"-style line. Contact
	// details stand there (SPEC 4.4).
	Signature string
	// BlankBody is set when the text holds nothing of the sender's own:
	// no text, or only a signature ("-- " and what follows) and a mail
	// client's "Sent from my iPhone" / "Gửi từ iPhone của tôi" line.
	// Attachments are not counted. A message whose subject alone says
	// something is still a report (SPEC 4.2): the subject is its content.
	BlankBody bool
	// HTMLOnly is set when the text came from HTML alone.
	HTMLOnly bool
	// English is set when the sender wrote in English (see isEnglish).
	English bool

	Attachments []Attachment
	// Forwarded is the first message/rfc822 part, or an inline forwarded
	// block ("---------- Forwarded message ---------" and the like) with
	// the original sender, date, subject and text.
	Forwarded *Message
	// DSN is set for a delivery status report (multipart/report;
	// report-type=delivery-status) and for the common non-standard bounces.
	DSN *DSN
	// Notes lists what was odd but survived: an unknown charset kept raw,
	// bad base64, a broken MIME structure, a TNEF body.
	Notes []string
}

// Attachment is one non-text part. Refused attachments were read and
// dropped: they have a Refused reason and no Key.
type Attachment struct {
	Name         string // sanitised: see sanitizeName
	DeclaredType string // as the sender declared it
	Type         string // sniffed from the first bytes
	Size         int64  // decoded bytes
	Key          string // blob key from the sink, "" when refused
	Refused      string // why it was not stored, "" when stored
	Inline       bool   // Content-Disposition: inline (an embedded image)
	ContentID    string // without angle brackets
	Photo        *Photo // EXIF of a JPEG or HEIC photo, nil when none
}

// Photo is what a photo's EXIF says: capture time (in the camera's clock,
// UTC unless the photo records its offset) and GPS position (decimal
// degrees, south and west negative).
type Photo struct {
	Taken    time.Time
	HasGPS   bool
	Lat, Lon float64
}

// DSN is a delivery status report (RFC 3464), or what a non-standard bounce
// says in its text.
type DSN struct {
	ReportingMTA      string
	OriginalMessageID string // of the message that bounced, without brackets
	Recipients        []DSNRecipient
}

// DSNRecipient is one recipient's status in a DSN.
type DSNRecipient struct {
	Addr       string // final (or original) recipient, without "rfc822;"
	Action     string // failed, delayed, delivered, relayed, expanded
	Status     string // e.g. 5.1.1
	Diagnostic string
}
