package token

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

var (
	keyA = bytes.Repeat([]byte{1}, 32)
	keyB = bytes.Repeat([]byte{2}, 32)
	now  = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
)

func TestMintCheck(t *testing.T) {
	k, _ := NewKeys(keyA, nil, 30*24*time.Hour)
	tok := k.Mint(42, Operator, "Receiver@Example.gov.vn", now)
	if len(tok) != 32 || strings.ToLower(tok) != tok {
		t.Fatalf("token %q: want 32 lower-case characters", tok)
	}
	addr := Address("phananh@haugiang.gov.vn", tok)
	if local, _, _ := strings.Cut(addr, "@"); len(local) > 64 {
		t.Errorf("local part %d octets", len(local))
	}
	id, err := k.Check(FromAddress("phananh@haugiang.gov.vn", strings.ToUpper(addr)), Operator, "receiver@example.gov.vn", now.Add(time.Hour))
	if err != nil || id != 42 {
		t.Fatalf("check: %d, %v", id, err)
	}
}

func TestCheckRefuses(t *testing.T) {
	k, _ := NewKeys(keyA, nil, 30*24*time.Hour)
	tok := k.Mint(42, Operator, "a@example.gov.vn", now)
	other, _ := NewKeys(keyB, nil, 30*24*time.Hour)
	flipped := []byte(tok)
	flipped[20] = map[bool]byte{true: 'b', false: 'a'}[flipped[20] == 'a']
	cases := []struct {
		name string
		keys *Keys
		tok  string
		aud  Audience
		addr string
		at   time.Time
		want error
	}{
		{"another sender", k, tok, Operator, "b@example.gov.vn", now, ErrForged},
		{"citizen using an operator token", k, tok, Citizen, "a@example.gov.vn", now, ErrForged},
		{"expired", k, tok, Operator, "a@example.gov.vn", now.Add(32 * 24 * time.Hour), ErrExpired},
		{"unknown key", other, tok, Operator, "a@example.gov.vn", now, ErrForged},
		{"altered", k, string(flipped), Operator, "a@example.gov.vn", now, ErrForged},
		{"short", k, tok[:20], Operator, "a@example.gov.vn", now, ErrMalformed},
		{"not base32", k, strings.Repeat("!", 32), Operator, "a@example.gov.vn", now, ErrMalformed},
	}
	for _, c := range cases {
		if _, err := c.keys.Check(c.tok, c.aud, c.addr, c.at); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

func TestKeyRollover(t *testing.T) {
	old, _ := NewKeys(keyA, nil, 30*24*time.Hour)
	tok := old.Mint(7, Citizen, "dan@gmail.com", now)
	rolled, _ := NewKeys(keyB, keyA, 30*24*time.Hour)
	if id, err := rolled.Check(tok, Citizen, "dan@gmail.com", now); err != nil || id != 7 {
		t.Errorf("old token after rollover: %d, %v", id, err)
	}
	done, _ := NewKeys(keyB, nil, 30*24*time.Hour)
	if _, err := done.Check(tok, Citizen, "dan@gmail.com", now); !errors.Is(err, ErrForged) {
		t.Errorf("old token after the old key is dropped: %v", err)
	}
}

// TestKeyRolloverSameKeyID: a key names itself in a token by one byte, so
// one new key in 256 shares it with the key it replaces; the tokens of
// both must still hold while the new key is rolled in.
func TestKeyRolloverSameKeyID(t *testing.T) {
	next := bytes.Repeat([]byte{3}, 32)
	for i := 0; keyID(next) != keyID(keyA); i++ {
		next[0], next[1] = byte(i), byte(i>>8)
	}
	rolled, _ := NewKeys(next, keyA, 30*24*time.Hour)
	old, _ := NewKeys(keyA, nil, 30*24*time.Hour)
	for name, tok := range map[string]string{"old": old.Mint(7, Citizen, "dan@gmail.com", now), "new": rolled.Mint(7, Citizen, "dan@gmail.com", now)} {
		if id, err := rolled.Check(tok, Citizen, "dan@gmail.com", now); err != nil || id != 7 {
			t.Errorf("%s token while the keys share their id: %d, %v", name, id, err)
		}
	}
}

func TestFromAddress(t *testing.T) {
	tok := strings.Repeat("a", 32)
	for addr, want := range map[string]string{
		"phananh+" + tok + "@haugiang.gov.vn": tok,
		"PHANANH+" + tok + "@HAUGIANG.GOV.VN": tok,
		"phananh@haugiang.gov.vn":             "",
		"other+" + tok + "@haugiang.gov.vn":   "",
		"phananh+" + tok + "@evil.example":    "",
		"phananh+short@haugiang.gov.vn":       "",
	} {
		if got := FromAddress("phananh@haugiang.gov.vn", addr); got != want {
			t.Errorf("%s: %q, want %q", addr, got, want)
		}
	}
}
