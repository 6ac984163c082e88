package parse

import (
	"errors"
	"fmt"
)

// ErrLimit is wrapped by the error Read returns for a message past one of
// its Limits; the error's text names the limit. The intake pipeline
// quarantines such a message.
var ErrLimit = errors.New("message exceeds a limit")

// Limits bound what one message may cost to read. A zero field takes its
// value from DefaultLimits, so a caller sets only what it changes.
//
// The message limits (size, header, fields, depth, parts, line length) make
// Read fail with an error wrapping ErrLimit. The attachment limits never
// fail a message: an attachment past one is recorded as refused with its
// reason and its bytes are dropped. Text past MaxTextBytes is cut, with a
// note.
type Limits struct {
	MaxMessageBytes int64 // the raw message
	MaxHeaderBytes  int64 // one header block (the message's or a part's)
	MaxHeaderFields int   // fields in one header block
	MaxDepth        int   // MIME nesting, message/rfc822 included
	MaxParts        int   // MIME parts in the whole message
	MaxLineBytes    int   // one line of the raw message

	MaxTextBytes int64 // text kept in memory, all text parts together

	MaxAttachmentBytes  int64 // one attachment, decoded
	MaxAttachmentsBytes int64 // all stored attachments of the message
	MaxAttachments      int   // stored attachments of the message

	// AllowedTypes lists the sniffed media types accepted as attachments:
	// exact types ("application/pdf") or families ("image/*"). Types
	// outside it are refused.
	AllowedTypes []string
}

// DefaultLimits returns limits that real mail never reaches, and the
// allow-list of SPEC 4.6 and 10.2: images (HEIC too), video, audio
// (citizens send voice recordings), PDF, office documents without macros,
// plain text and CSV. Executables, scripts, macro-enabled office files, SVG,
// HTML and archives are outside it.
func DefaultLimits() Limits {
	return Limits{
		MaxMessageBytes:     200 << 20,
		MaxHeaderBytes:      1 << 20,
		MaxHeaderFields:     2000,
		MaxDepth:            20,
		MaxParts:            1000,
		MaxLineBytes:        1 << 20,
		MaxTextBytes:        4 << 20,
		MaxAttachmentBytes:  100 << 20,
		MaxAttachmentsBytes: 150 << 20,
		MaxAttachments:      50,
		AllowedTypes:        DefaultAllowedTypes(),
	}
}

// DefaultAllowedTypes is the default attachment allow-list (see
// DefaultLimits).
func DefaultAllowedTypes() []string {
	return []string{
		"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/tiff",
		"image/heic", "image/heif", "image/avif",
		"video/*", "audio/*",
		"application/pdf",
		"application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"application/vnd.openxmlformats-officedocument.presentationml.presentation",
		"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
		"application/vnd.oasis.opendocument.presentation",
		"application/rtf",
		"text/plain", "text/csv",
	}
}

// defaultLimits is DefaultLimits without its allow-list, which
// withDefaults makes only for the limits that lack one.
var defaultLimits = func() Limits { d := DefaultLimits(); d.AllowedTypes = nil; return d }()

// withDefaults fills the zero fields of l from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := defaultLimits
	orDefault(&l.MaxMessageBytes, d.MaxMessageBytes)
	orDefault(&l.MaxHeaderBytes, d.MaxHeaderBytes)
	orDefault(&l.MaxHeaderFields, d.MaxHeaderFields)
	orDefault(&l.MaxDepth, d.MaxDepth)
	orDefault(&l.MaxParts, d.MaxParts)
	orDefault(&l.MaxLineBytes, d.MaxLineBytes)
	orDefault(&l.MaxTextBytes, d.MaxTextBytes)
	orDefault(&l.MaxAttachmentBytes, d.MaxAttachmentBytes)
	orDefault(&l.MaxAttachmentsBytes, d.MaxAttachmentsBytes)
	orDefault(&l.MaxAttachments, d.MaxAttachments)
	if l.AllowedTypes == nil {
		l.AllowedTypes = DefaultAllowedTypes()
	}
	return l
}

// orDefault sets a limit that is zero or negative to its default.
func orDefault[T int | int64](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// LimitError is the error of a message past one of its Limits. It wraps
// ErrLimit; its text names the limit ("MIME depth over 20").
type LimitError struct {
	// Limit names the limit passed: "message size", "header size",
	// "header fields", "line length", "MIME parts" or "MIME depth".
	Limit string
	Max   int64 // the limit's value: bytes, fields, parts or levels
}

func (e *LimitError) Error() string { return fmt.Sprintf("%s: %s over %d", ErrLimit, e.Limit, e.Max) }

func (e *LimitError) Unwrap() error { return ErrLimit }

// limitError returns the error of a message past a limit.
func limitError(limit string, max int64) error {
	return &LimitError{Limit: limit, Max: max}
}
