package strip

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

// isoBox builds an ISO base media box.
func isoBox(typ string, payload ...[]byte) []byte {
	body := bytes.Join(payload, nil)
	out := binary.BigEndian.AppendUint32(nil, uint32(8+len(body)))
	return append(append(out, typ...), body...)
}

// fullBox builds a box with a version and flags.
func fullBox(typ string, version byte, payload ...[]byte) []byte {
	return isoBox(typ, append([][]byte{{version, 0, 0, 0}}, payload...)...)
}

func be16(v int) []byte { return binary.BigEndian.AppendUint16(nil, uint16(v)) }
func be32(v int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(v)) }

// An isoNode is a box of a file as isoTree reads it: its path from the
// top ("moov/trak/mdia/hdlr"), its type and its parent's ("" at the top;
// a type may itself hold a slash), where it starts and its payload.
type isoNode struct {
	path        string
	typ, parent string
	at          int
	payload     []byte
}

// isoTree lists the boxes of a file, descending into the containers that
// MP4 reads (and the top-level meta), and fails on a box that overruns
// its parent or a free box that holds more than zeros.
func isoTree(t testing.TB, b []byte) []isoNode {
	t.Helper()
	var out []isoNode
	var walk func(prefix, parent string, at int, p []byte)
	walk = func(prefix, parent string, at int, p []byte) {
		for i := 0; i < len(p); {
			if len(p)-i < 8 {
				t.Fatalf("%s: %d bytes left over at %d", prefix, len(p)-i, at+i)
			}
			size, head := int(binary.BigEndian.Uint32(p[i:])), 8
			switch size {
			case 0:
				size = len(p) - i
			case 1:
				size, head = int(binary.BigEndian.Uint64(p[i+8:])), 16
			}
			if size < head || size > len(p)-i {
				t.Fatalf("%s: a box of %d bytes at %d overruns its parent", prefix, size, at+i)
			}
			typ := string(p[i+4 : i+8])
			payload := p[i+head : i+size]
			path := prefix + typ
			if typ == "free" && bytes.Count(payload, []byte{0}) != len(payload) {
				t.Fatalf("%s at %d holds more than zeros", path, at+i)
			}
			out = append(out, isoNode{path, typ, parent, at + i, payload})
			switch {
			case isoKept[typ] != nil && !strings.HasPrefix(path, "meta/"):
				walk(path+"/", typ, at+i+head, payload)
			case path == "meta":
				walk(path+"/", typ, at+i+head+4, payload[4:])
			}
			i += size
		}
	}
	walk("", "", 0, b)
	return out
}

// isoFind returns the payloads of the boxes at path.
func isoFind(t testing.TB, b []byte, path string) [][]byte {
	t.Helper()
	var out [][]byte
	for _, n := range isoTree(t, b) {
		if n.path == path {
			out = append(out, n.payload)
		}
	}
	return out
}

// isoPaths lists the paths of a file's boxes, in order.
func isoPaths(t testing.TB, b []byte) []string {
	t.Helper()
	var out []string
	for _, n := range isoTree(t, b) {
		out = append(out, n.path)
	}
	return out
}

// keptBoxes fails on a box of a stripped file that MP4 does not keep.
func keptBoxes(t testing.TB, b []byte) {
	t.Helper()
	for _, n := range isoTree(t, b) {
		parent, typ := n.parent, n.typ
		switch {
		case typ == "free":
		case parent == "":
			if !isoTop[typ] {
				t.Fatalf("%s kept", n.path)
			}
		case strings.HasPrefix(n.path, "meta/"): // a HEIF file's item table
		case !isoKept[parent][typ]:
			t.Fatalf("%s kept", n.path)
		}
	}
}

// stripWith strips in with fn, failing the test on an error.
func stripWith(t testing.TB, fn func(dst *bytes.Buffer) error) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := fn(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// sameOutside fails unless a and b, of the same length, differ only within
// the ranges given.
func sameOutside(t testing.TB, a, b []byte, ranges ...[2]int) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%d bytes, was %d", len(b), len(a))
	}
	within := func(i int) bool {
		for _, r := range ranges {
			if i >= r[0] && i < r[1] {
				return true
			}
		}
		return false
	}
	for i := range a {
		if a[i] != b[i] && !within(i) {
			t.Fatalf("byte %d changed: %#x, was %#x", i, b[i], a[i])
		}
	}
}
