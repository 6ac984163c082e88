package store

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strconv"
	"strings"
	"sync"

	"haugiang.gov.vn/phananh/rules/fold"
)

// Keys derived from the one encryption key of the configuration. Each use
// has its own key so that, for instance, the lookup index cannot be turned
// into a decryption oracle.
type keys struct {
	field cipher.AEAD // personal data in rows about no report (version 1)
	wrap  cipher.AEAD // the reports' data keys, in the key store
	index []byte      // HMAC index of email addresses and phone numbers
	blobs []byte      // per-blob keys of the data folder's version 1 blobs
	names []byte      // keyed content hashes of blobs
	// indexers are HMACs keyed with index, each with the buffer of what
	// it hashes, used in turn: a new HMAC hashes its key's pads each time,
	// a reset one starts from their saved state.
	indexers sync.Pool
	// namers are HMACs keyed with names, reset and used in turn by the
	// blobs written (BlobWriter.hashed): a new HMAC allocates its two
	// hashes and its key's pads, some 700 bytes a blob.
	namers sync.Pool
}

func deriveKeys(master []byte) (*keys, error) {
	if len(master) != 32 {
		return nil, fmt.Errorf("encryption key is %d bytes, want 32", len(master))
	}
	field, err := newAEAD(derive(master, "phananh field encryption v1"))
	if err != nil {
		return nil, err
	}
	wrap, err := newAEAD(derive(master, "phananh data keys v2"))
	if err != nil {
		return nil, err
	}
	k := &keys{
		field: field,
		wrap:  wrap,
		index: derive(master, "phananh lookup index v1"),
		blobs: derive(master, "phananh blob encryption v1"),
		names: derive(master, "phananh blob names v1"),
	}
	k.indexers.New = func() any { return &indexer{mac: hmac.New(sha256.New, k.index)} }
	k.namers.New = func() any { return hmac.New(sha256.New, k.names) }
	return k, nil
}

// derive returns HMAC-SHA-256(master, label): a key for one purpose.
func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("encryption key: %w", err)
	}
	return cipher.NewGCM(block)
}

// The first byte of a sealed value says which key sealed it.
const (
	// sealGeneral: the key derived from the encryption key, for rows about
	// no report (and every row of a database not yet migrated to data
	// keys).
	sealGeneral = 1
	// sealReport: the data key of the row's report (SPEC 10.5).
	sealReport = 2
)

// errOpen is returned when a sealed value does not open: a wrong key, a
// value moved to another row or column, or a damaged database.
var errOpen = errors.New("sealed value does not open (wrong key, or moved or damaged data)")

// seal encrypts a column value with AES-256-GCM, bound to its table, column
// and row so that a value copied elsewhere in the database does not open.
// The empty value seals to nil (NULL). The value is a string or the bytes
// of one, sealed as they are: a caller holding bytes (a mail's data, its
// thread) makes no string of them.
func seal[T string | []byte](aead cipher.AEAD, version byte, table, column string, row int64, value T) []byte {
	return sealInto(nil, aead, version, table, column, row, value)
}

// sealInto is seal into the spare capacity of *buf, grown when it lacks
// room, the sealed value appended to *buf and returned, its capacity its
// length; into a buffer of its own when buf is nil. The writer seals
// several values a row: a statement's values sealed into one buffer of a
// pool (sealBuffers) allocate nothing, and the buffer holds no clear
// text, each value encrypted where it lies.
func sealInto[T string | []byte](buf *[]byte, aead cipher.AEAD, version byte, table, column string, row int64, value T) []byte {
	if len(value) == 0 {
		return nil
	}
	// One buffer holds the version, the nonce and the value, which is
	// encrypted where it lies: the writer seals several values a report.
	ns := aead.NonceSize()
	size := 1 + ns + len(value) + aead.Overhead()
	var out []byte
	if buf == nil {
		out = make([]byte, 1+ns, size)
	} else {
		start := len(*buf)
		*buf = slices.Grow(*buf, size)
		out = (*buf)[start : start+1+ns]
	}
	out[0] = version
	nonce := out[1:]
	if _, err := rand.Read(nonce); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported systems
	}
	plain := append(out, value...)[len(out):]
	ad := bindings.Get().(*[bindingSize]byte)
	defer bindings.Put(ad)
	sealed := aead.Seal(out, nonce, plain, appendBinding(ad[:0], table, column, row))
	if buf != nil {
		*buf = (*buf)[:len(*buf)+len(sealed)]
	}
	return sealed[:len(sealed):len(sealed)]
}

// sealBuffers hold the values a statement seals (sealInto), given back
// once it has run: the driver copies what it binds.
var sealBuffers = sync.Pool{New: func() any { return new([]byte) }}

// maxSealBuffer bounds the buffers kept in sealBuffers: a larger one is
// left to the collector.
const maxSealBuffer = 64 << 10

// getSealBuffer returns an empty buffer of sealBuffers with room for n
// bytes.
func getSealBuffer(n int) *[]byte {
	buf := sealBuffers.Get().(*[]byte)
	*buf = slices.Grow((*buf)[:0], n)
	return buf
}

// putSealBuffer gives a buffer of getSealBuffer back, once nothing reads
// the values sealed into it.
func putSealBuffer(buf *[]byte) {
	if cap(*buf) <= maxSealBuffer {
		*buf = (*buf)[:0]
		sealBuffers.Put(buf)
	}
}

// sealedSize is the room seal takes for a value of n bytes: its version
// byte, and AES-GCM's standard nonce and tag. A buffer grown by it for a
// statement's values (getSealBuffer) holds them all.
func sealedSize(n int) int {
	if n == 0 {
		return 0
	}
	return n + sealOverhead
}

// sealOverhead is what seal adds to a value that is not empty.
const sealOverhead = 1 + 12 + 16

// opened are the buffers values are decrypted into before they are
// copied into their string, used in turn and cleared after each use.
var opened = sync.Pool{New: func() any { return new([]byte) }}

// open decrypts a value sealed by seal for the same table, column and row.
func open(aead cipher.AEAD, table, column string, row int64, sealed []byte) (string, error) {
	var value string
	err := openWith(aead, table, column, row, sealed, func(plain []byte) { value = string(plain) })
	return value, err
}

// openBytes is open returning the value's bytes, copied once.
func openBytes(aead cipher.AEAD, table, column string, row int64, sealed []byte) ([]byte, error) {
	var value []byte
	err := openWith(aead, table, column, row, sealed, func(plain []byte) { value = bytes.Clone(plain) })
	return value, err
}

// openWith decrypts a value sealed by seal for the same table, column and
// row into a pooled buffer, and hands it to use, which copies what it
// keeps: the buffer is cleared after.
func openWith(aead cipher.AEAD, table, column string, row int64, sealed []byte, use func(plain []byte)) error {
	ns := aead.NonceSize()
	if len(sealed) < 1+ns+aead.Overhead() {
		return fmt.Errorf("%s.%s of row %d: %w", table, column, row, errOpen)
	}
	buf := opened.Get().(*[]byte)
	defer opened.Put(buf)
	ad := bindings.Get().(*[bindingSize]byte)
	defer bindings.Put(ad)
	plain, err := aead.Open((*buf)[:0], sealed[1:1+ns], sealed[1+ns:], appendBinding(ad[:0], table, column, row))
	if err != nil {
		return fmt.Errorf("%s.%s of row %d: %w", table, column, row, errOpen)
	}
	use(plain)
	clear(plain) // the buffer keeps no clear text
	if cap(plain) <= maxOpened {
		*buf = plain[:0]
	}
	return nil
}

// maxOpened bounds the buffers kept for open: a larger value's is left
// to the collector.
const maxOpened = 64 << 10

// seal seals a value of a row about no report with the general key.
func (k *keys) seal(table, column string, row int64, value string) []byte {
	return seal(k.field, sealGeneral, table, column, row, value)
}

// open opens a value sealed with the general key.
func (k *keys) open(table, column string, row int64, sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	if sealed[0] != sealGeneral {
		return "", fmt.Errorf("%s.%s of row %d: %w", table, column, row, errOpen)
	}
	return open(k.field, table, column, row, sealed)
}

// openWith opens a value sealed with the general key as open does, and
// hands its bytes to use (see rowKey.openWith).
func (k *keys) openWith(table, column string, row int64, sealed []byte, use func(plain []byte)) error {
	if len(sealed) == 0 {
		return nil
	}
	if sealed[0] != sealGeneral {
		return fmt.Errorf("%s.%s of row %d: %w", table, column, row, errOpen)
	}
	return openWith(k.field, table, column, row, sealed, use)
}

// appendBinding appends what binds a value to its place to b:
// "table.column#row".
func appendBinding(b []byte, table, column string, row int64) []byte {
	b = append(b, table...)
	b = append(b, '.')
	b = append(b, column...)
	b = append(b, '#')
	return strconv.AppendInt(b, row, 10)
}

// bindingSize is room enough for nearly every binding.
const bindingSize = 64

// bindings are the buffers a value's binding is written into to seal or
// open it, used in turn: AEAD.Seal and Open take it through an interface,
// so that an array of the function's own would be allocated at each call
// (several a report's row).
var bindings = sync.Pool{New: func() any { return new([bindingSize]byte) }}

// IndexKind separates the HMAC index of different kinds of value.
type IndexKind string

// Kinds of indexed values.
const (
	IndexEmail     IndexKind = "email"
	IndexPhone     IndexKind = "phone"
	IndexContent   IndexKind = "content"    // report text, for duplicates: the same words in the same order, whatever the spacing
	IndexMessageID IndexKind = "message-id" // Message-ID headers we received
	IndexDigest    IndexKind = "digest"     // messages without their trace fields, for replays
	IndexSigned    IndexKind = "signed"     // command mails by what DKIM signs, for replays
	// IndexMailbox indexes an email address by the mailbox it delivers
	// to (fold.Mailbox), as the hourly caps count a sender.
	IndexMailbox IndexKind = "mailbox"
)

// indexOf returns the lookup HMAC of a value, HMAC-SHA-256 of its kind, a
// zero byte and the value as its kind compares it (appendIndexed). Empty
// values have no index (nil).
func (k *keys) indexOf(kind IndexKind, value string) []byte {
	x := k.indexers.Get().(*indexer)
	defer k.indexers.Put(x)
	head := len(kind) + 1
	x.buf = appendIndexed(append(append(x.buf[:0], kind...), 0), kind, value)
	if len(x.buf) == head {
		return nil
	}
	x.mac.Reset()
	x.mac.Write(x.buf)
	if cap(x.buf) > maxIndexed {
		x.buf = nil // a long text's buffer is not kept
	}
	return x.mac.Sum(nil)
}

// indexer is an HMAC keyed for the lookup index and the buffer of what it
// hashes.
type indexer struct {
	mac hash.Hash
	buf []byte
}

// maxIndexed bounds the buffer an indexer keeps.
const maxIndexed = 16 << 10

// indexed is a value of a kind, whose lookup HMAC a group of the writer
// keeps.
type indexed struct {
	kind  IndexKind
	value string
}

// indexOf returns the lookup HMAC of a value (keys.indexOf), computed once
// a group in the writer: a report's transaction looks up and writes its
// citizen's address and its text several times over, and the reports of a
// group share their receivers' addresses. The group keeps them by the
// value as given, so that a value is normalised (appendIndexed) only
// the first time; they are forgotten when it ends. Only the writer's
// transactions (writable) touch the group's map, on the writer's
// goroutine.
func (t *Tx) indexOf(kind IndexKind, value string) []byte {
	if !t.writable || t.db.groupIndexes == nil {
		return t.db.keys.indexOf(kind, value)
	}
	if idx, ok := t.db.groupIndexes[indexed{kind, value}]; ok {
		return idx
	}
	idx := t.db.keys.indexOf(kind, value)
	t.db.groupIndexes[indexed{kind, value}] = idx
	return idx
}

// appendIndexed appends a value as its kind compares it to b: email
// addresses without ASCII case (fold.Address), mailboxes as fold.Mailbox
// folds them, phone numbers by their digits, report texts by their words,
// each once spaced.
func appendIndexed(b []byte, kind IndexKind, value string) []byte {
	switch kind {
	case IndexPhone:
		return append(b, phoneDigits(value)...)
	case IndexContent:
		start := len(b)
		for word := range strings.FieldsSeq(value) {
			if len(b) > start {
				b = append(b, ' ')
			}
			b = append(b, word...)
		}
		return b
	case IndexMessageID, IndexDigest, IndexSigned:
		return append(b, value...)
	case IndexMailbox:
		return append(b, fold.Mailbox(value)...)
	default:
		return append(b, fold.Address(value)...) // ASCII case only (SPEC 7.3)
	}
}

// phoneDigits reduces a Vietnamese phone number to its national digits, so
// that "+84 912 345 678", "84912345678" and "0912.345.678" index alike.
func phoneDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "84") && len(d) >= 11:
		return "0" + d[2:]
	default:
		return d
	}
}
