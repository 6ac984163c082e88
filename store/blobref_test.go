package store

import (
	"bytes"
	"fmt"
	"testing"
)

// TestBlobRefString: a reference reads as it always has (a pack's range
// as %016x), whatever its offsets, and parses back to what wrote it.
func TestBlobRefString(t *testing.T) {
	name := "0123456789abcdef0123456789abcdef"
	key := bytes.Repeat([]byte{0xa5}, blobKeySize)
	hash := fmt.Sprintf("%064x", 7)
	for _, r := range []blobRef{
		{name: name, key: key, hash: hash},
		{name: name, key: key, hash: noHash},
		{name: name, packed: true, off: 0, size: 1, key: key, hash: hash},
		{name: name, packed: true, off: 0x1234_5678_9abc, size: 1 << 40, key: key, hash: hash},
		{name: name, packed: true, off: 1<<63 - 2, size: 1, key: key, hash: noHash},
	} {
		place := r.name
		if r.packed {
			place = fmt.Sprintf("%s-%016x-%016x", r.name, r.off, r.size)
		}
		want := fmt.Sprintf("%s-%x-%s", place, r.key, r.hash)
		if got := r.String(); got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
		if got := r.place(); got != place {
			t.Errorf("place() = %q, want %q", got, place)
		}
		back, err := parseRef(r.String())
		if err != nil || back.String() != want {
			t.Errorf("parseRef(%q) = %q, %v", want, back.String(), err)
		}
	}
}
