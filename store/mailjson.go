package store

import (
	"encoding/json"
	"unicode/utf8"
)

// A mail's thread and the files it carries are kept as JSON, json.Marshal's
// of thread and of []MailFile, and opened for every mail the mailer reads.
// decodeThread and decodeFiles read the JSON json.Marshal writes for them
// without encoding/json's reflection; whatever else they meet — a string
// with an escape, a key they do not know, a space, a null, an empty list —
// they leave to json.Unmarshal, so that every value decodes as
// json.Unmarshal decodes it (TestMailJSONAsUnmarshal).

// appendThread appends a mail's thread as json.Marshal writes it — each
// field present only when set, in the struct's order, each string escaped
// as encoding/json escapes it (appendJSONString) — without reflection:
// the writer encodes one a mail it queues (TestThreadAsMarshal,
// FuzzThreadJSON).
func appendThread(b []byte, t thread) []byte {
	b = append(b, '{')
	comma := false
	field := func(name string) {
		if comma {
			b = append(b, ',')
		}
		comma = true
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, '"', ':')
	}
	if t.ReplyTo != "" {
		field("reply_to")
		b = appendJSONString(b, t.ReplyTo)
	}
	if t.InReplyTo != "" {
		field("in_reply_to")
		b = appendJSONString(b, t.InReplyTo)
	}
	if len(t.References) > 0 {
		field("references")
		b = append(b, '[')
		for i, r := range t.References {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, r)
		}
		b = append(b, ']')
	}
	if t.Index != "" {
		field("thread_index")
		b = appendJSONString(b, t.Index)
	}
	return append(b, '}')
}

// decodeThread decodes a mail's thread.
func decodeThread(b []byte, t *thread) error {
	if s := (jsonScan{b: b}); s.thread(t) && s.done() {
		return nil
	}
	*t = thread{}
	return json.Unmarshal(b, t)
}

// decodeFiles decodes the files a mail carries.
func decodeFiles(b []byte, fs *[]MailFile) error {
	if s := (jsonScan{b: b}); s.files(fs) && s.done() {
		return nil
	}
	*fs = nil
	return json.Unmarshal(b, fs)
}

// jsonScan reads JSON as json.Marshal writes it: no space, no escape in
// its strings. Each method reports false for anything else, leaving the
// value to json.Unmarshal.
type jsonScan struct {
	b []byte
	i int
}

// done reports whether the whole input is read.
func (s *jsonScan) done() bool { return s.i == len(s.b) }

// next consumes c when it comes next.
func (s *jsonScan) next(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// word consumes w when it comes next.
func (s *jsonScan) word(w string) bool {
	if len(s.b)-s.i >= len(w) && string(s.b[s.i:s.i+len(w)]) == w {
		s.i += len(w)
		return true
	}
	return false
}

// str reads a string without escapes, of valid UTF-8.
func (s *jsonScan) str() (string, bool) {
	v, ok := s.raw()
	return string(v), ok
}

// raw reads a string without escapes, of valid UTF-8, and returns its
// bytes in s.b.
func (s *jsonScan) raw() ([]byte, bool) {
	if !s.next('"') {
		return nil, false
	}
	for j := s.i; j < len(s.b); j++ {
		switch c := s.b[j]; {
		case c == '"':
			v := s.b[s.i:j]
			if !utf8.Valid(v) {
				return nil, false
			}
			s.i = j + 1
			return v, true
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// key reads an object's key and the colon after it.
func (s *jsonScan) key() ([]byte, bool) {
	k, ok := s.raw()
	return k, ok && s.next(':')
}

// more reads what follows an object's member: it reports whether another
// member follows, and whether the object is read right so far.
func (s *jsonScan) more() (more, ok bool) {
	if s.next(',') {
		return true, true
	}
	return false, s.next('}')
}

// strs reads a list of one string or more.
func (s *jsonScan) strs() ([]string, bool) {
	if !s.next('[') {
		return nil, false
	}
	var l []string
	for {
		v, ok := s.str()
		if !ok {
			return nil, false
		}
		l = append(l, v)
		if s.next(']') {
			return l, true
		}
		if !s.next(',') {
			return nil, false
		}
	}
}

func (s *jsonScan) boolean() (bool, bool) {
	switch {
	case s.word("true"):
		return true, true
	case s.word("false"):
		return false, true
	}
	return false, false
}

// object reads an object, handing each member's key to member, which
// reads the value after it and reports whether it could.
func (s *jsonScan) object(member func(key []byte) bool) bool {
	if !s.next('{') {
		return false
	}
	if s.next('}') {
		return true
	}
	for more := true; more; {
		key, ok := s.key()
		if !ok || !member(key) {
			return false
		}
		if more, ok = s.more(); !ok {
			return false
		}
	}
	return true
}

func (s *jsonScan) thread(t *thread) bool {
	return s.object(func(key []byte) (ok bool) {
		switch string(key) {
		case "reply_to":
			t.ReplyTo, ok = s.str()
		case "in_reply_to":
			t.InReplyTo, ok = s.str()
		case "references":
			t.References, ok = s.strs()
		case "thread_index":
			t.Index, ok = s.str()
		}
		return ok
	})
}

// files reads a list of one file or more.
func (s *jsonScan) files(fs *[]MailFile) bool {
	if !s.next('[') {
		return false
	}
	for {
		var f MailFile
		if !s.file(&f) {
			return false
		}
		*fs = append(*fs, f)
		if s.next(']') {
			return true
		}
		if !s.next(',') {
			return false
		}
	}
}

func (s *jsonScan) file(f *MailFile) bool {
	return s.object(func(key []byte) (ok bool) {
		switch string(key) {
		case "blob":
			f.BlobKey, ok = s.str()
		case "name":
			f.Name, ok = s.str()
		case "type":
			f.Type, ok = s.str()
		case "inline":
			f.Inline, ok = s.boolean()
		case "cid":
			f.CID, ok = s.str()
		}
		return ok
	})
}
