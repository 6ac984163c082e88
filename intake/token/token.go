// Package token mints and checks the tokens of reply addresses (SPEC 7.3,
// 7.4): phananh+TOKEN@domain, where TOKEN binds a report, the one address
// allowed to use it, what kind of correspondent that is, and an expiry.
//
// A token is 20 bytes written in lower-case base32 (32 characters, so the
// local part "phananh+" + TOKEN is 40 octets, within the 64 of RFC 5321, and
// survives servers that lower-case addresses): a version, the id of the key
// that signed it, the report's number, the expiry day, and 12 bytes of
// HMAC-SHA-256 over those and the correspondent's address. The address is
// not in the token: the check recomputes the MAC with the From address, so a
// token is useless from any other address. Tokens signed with the previous
// key stay valid until they expire while a new key is rolled in.
package token

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"haugiang.gov.vn/phananh/rules/fold"
)

// Audience is who a token was given to.
type Audience byte

// The audiences: a member of staff, or the citizen who sent the report.
const (
	Operator Audience = 'o'
	Citizen  Audience = 'c'
)

// Keys signs and checks tokens.
type Keys struct {
	current, previous []byte
	TTL               time.Duration
}

// NewKeys returns Keys signing with current and also accepting tokens of
// previous (nil when no key is being rolled out).
func NewKeys(current, previous []byte, ttl time.Duration) (*Keys, error) {
	if len(current) != 32 || (previous != nil && len(previous) != 32) {
		return nil, errors.New("token keys are 32 bytes")
	}
	return &Keys{current: current, previous: previous, TTL: ttl}, nil
}

const (
	version  = 1
	macSize  = 12
	rawSize  = 8 + macSize
	tokenLen = 32
)

var (
	encoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)
	epoch    = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Errors of Check. None of them says more than "not valid" to the sender.
var (
	ErrMalformed = errors.New("token: malformed")
	ErrForged    = errors.New("token: does not match this sender")
	ErrExpired   = errors.New("token: expired")
)

// Mint returns a token for the report with id reportID, to be used only
// from addr, valid until now + TTL.
func (k *Keys) Mint(reportID int64, aud Audience, addr string, now time.Time) string {
	raw := make([]byte, 8, rawSize)
	raw[0] = version
	raw[1] = keyID(k.current)
	binary.BigEndian.PutUint32(raw[2:6], uint32(reportID))
	days := int(now.Add(k.TTL).Sub(epoch).Hours()/24) + 1
	binary.BigEndian.PutUint16(raw[6:8], uint16(min(max(days, 0), 0xffff)))
	raw = append(raw, mac(k.current, raw, aud, addr)...)
	return encoding.EncodeToString(raw)
}

// Check verifies a token used by addr at now and returns the report id.
func (k *Keys) Check(tok string, aud Audience, addr string, now time.Time) (int64, error) {
	raw, err := encoding.DecodeString(strings.ToLower(tok))
	if err != nil || len(tok) != tokenLen || len(raw) != rawSize || raw[0] != version {
		return 0, ErrMalformed
	}
	if !k.signed(raw, aud, addr) {
		return 0, ErrForged
	}
	expiry := epoch.Add(time.Duration(binary.BigEndian.Uint16(raw[6:8])) * 24 * time.Hour)
	if !now.Before(expiry) {
		return 0, ErrExpired
	}
	return int64(binary.BigEndian.Uint32(raw[2:6])), nil
}

// signed reports whether a token's MAC is that of a key in use whose id
// it names: the current key, or the previous one (both, when the two
// share their one-byte id).
func (k *Keys) signed(raw []byte, aud Audience, addr string) bool {
	for _, key := range [][]byte{k.current, k.previous} {
		if key != nil && raw[1] == keyID(key) && hmac.Equal(raw[8:], mac(key, raw[:8], aud, addr)) {
			return true
		}
	}
	return false
}

// keyID names a key by one byte of its hash, so a check knows which key
// signed a token without trying both.
func keyID(key []byte) byte {
	h := sha256.Sum256(append([]byte("phananh token key id "), key...))
	return h[0]
}

func mac(key, payload []byte, aud Audience, addr string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("phananh reply token\x00"))
	m.Write(payload)
	m.Write([]byte{byte(aud), 0})
	m.Write([]byte(fold.Address(addr)))
	return m.Sum(nil)[:macSize]
}

// Address returns the reply address carrying tok for the mailbox address
// (phananh@haugiang.gov.vn → phananh+TOKEN@haugiang.gov.vn).
func Address(mailbox, tok string) string {
	local, domain, _ := strings.Cut(mailbox, "@")
	return fmt.Sprintf("%s+%s@%s", local, tok, domain)
}

// FromAddress returns the token in an address sent to our mailbox, or ""
// when the address is not ours or carries none.
func FromAddress(mailbox, addr string) string {
	local, domain, _ := strings.Cut(mailbox, "@")
	l, d, ok := strings.Cut(fold.Address(addr), "@")
	if !ok || d != fold.Address(domain) {
		return ""
	}
	base, tok, ok := strings.Cut(l, "+")
	if !ok || base != fold.Address(local) || len(tok) != tokenLen {
		return ""
	}
	return tok
}
